"""The benchmark algorithms, written in plain Python the way a user writes them (one example each;
`jax.vmap` adds the batch). relaxjax relaxes these very functions."""


def bubble_swaps(a):
    n = len(a)
    swaps = 0.0
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1.0
    return a, swaps


def edit_distance(s, t):
    m, k = len(s), len(s[0])
    d = [[0.0] * (m + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        d[i][0] = float(i)
        d[0][i] = float(i)
    for i in range(1, m + 1):
        for j in range(1, m + 1):
            same = 0.0
            for c in range(k):
                same += s[i - 1][c] * t[j - 1][c]     # probability that both symbols agree
            d[i][j] = min(d[i - 1][j] + 1.0, d[i][j - 1] + 1.0, d[i - 1][j - 1] + 1.0 - same)
    return d[m][m]


def symbol(scores):
    """A glyph's symbol: the class with the highest score."""
    return max(range(len(scores)), key=lambda c: scores[c])


def levenshtein(s, t):
    """The edit distance of the strings two sequences of glyphs spell (`s`, `t`: a row of class scores
    per glyph)."""
    m, n = len(s), len(t)
    a = [symbol(row) for row in s]
    b = [symbol(row) for row in t]
    d = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        d[i][0] = float(i)
    for j in range(n + 1):
        d[0][j] = float(j)
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            substitution = 0.0 if a[i - 1] == b[j - 1] else 1.0
            d[i][j] = min(d[i - 1][j] + 1.0, d[i][j - 1] + 1.0, d[i - 1][j - 1] + substitution)
    return d[m][n]


def grid_shortest_path(cost):
    k = len(cost)
    big = 1e6
    dist = [[big] * k for _ in range(k)]
    dist[0][0] = cost[0][0]
    for _ in range(2 * k):
        new = [[dist[r][c] for c in range(k)] for r in range(k)]
        for r in range(k):
            for c in range(k):
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        rr, cc = r + dr, c + dc
                        if (dr != 0 or dc != 0) and 0 <= rr < k and 0 <= cc < k:
                            if dist[rr][cc] + cost[r][c] < new[r][c]:
                                new[r][c] = dist[rr][cc] + cost[r][c]
        dist = new
    return dist[k - 1][k - 1]


def grid_shortest_path_walk(cost):
    """The paper's formulation: Bellman-Ford over the 8-neighbourhood, then each cell's predecessor (its
    cheapest neighbour) and the walk back from the target that marks the path (cells numbered row by row)."""
    k = len(cost)
    dist = [[1e6] * k for _ in range(k)]
    dist[0][0] = cost[0][0]
    for _ in range(2 * k):
        new = [[dist[r][c] for c in range(k)] for r in range(k)]
        for r in range(k):
            for c in range(k):
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        rr, cc = r + dr, c + dc
                        if (dr != 0 or dc != 0) and 0 <= rr < k and 0 <= cc < k:
                            if dist[rr][cc] + cost[r][c] < new[r][c]:
                                new[r][c] = dist[rr][cc] + cost[r][c]
        dist = new
    came = [[0] * k for _ in range(k)]
    for r in range(k):
        for c in range(k):
            best = 1e6
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if (dr != 0 or dc != 0) and (r != 0 or c != 0) and 0 <= rr < k and 0 <= cc < k:
                        if dist[rr][cc] < best:
                            best = dist[rr][cc]
                            came[r][c] = rr * k + cc
    came = [came[r][c] for r in range(k) for c in range(k)]
    path = [0.0] * (k * k)
    v = k * k - 1
    path[v] = 1.0
    for _ in range(2 * k):
        v = came[v]
        path[v] = 1.0
    return path


def bubble_swaps_while(a):
    """The paper's form: passes until one makes no swap (relaxed: `swapped` is a probability)."""
    n = len(a) - 1
    swapped = True
    swaps = 0.0
    while swapped:
        swapped = False
        for i in range(n):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                swapped = True
                swaps += 1.0
        n = n - 1
    return a, swaps


def odd_even_swaps(a):
    """Odd-even transposition sort (n rounds of neighbour compare-swaps), counting its swaps."""
    swaps = 0.0
    n = len(a)
    for r in range(n):
        for j in range(r % 2, n - 1, 2):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1.0
    return swaps
