"""Plain Python algorithms, written the way people write them, and random inputs for each.

Each entry of `CORPUS` is an `Algorithm`: the function, a generator of arguments (Python lists and
numbers, as a user would pass them), which arguments are soft (floating data worth differentiating),
and options. The tests run every function in CPython and through relaxjax and compare.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Callable

import jax.numpy as jnp
import numpy as np

from relaxjax.benchmarks.algorithms import bubble_swaps, grid_shortest_path
from relaxjax.benchmarks.algorithms import bubble_swaps_while as bubble_while
from relaxjax.benchmarks.algorithms import edit_distance as edit_distance_soft


# ---------------------------------------------------------------- sorting
def insertion_sort(a):
    for i in range(1, len(a)):
        for j in range(i, 0, -1):
            if a[j - 1] > a[j]:
                a[j - 1], a[j] = a[j], a[j - 1]
    return a


def exchange_sort(a):
    n = len(a)
    for i in range(n):
        for j in range(i + 1, n):
            if a[j] < a[i]:
                a[i], a[j] = a[j], a[i]
    return a


def odd_even_sort(a):
    n = len(a)
    for p in range(n):
        for j in range(p % 2, n - 1, 2):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
    return a


def odd_even_sort_counting(a):
    """Each pass's compare-swaps touch disjoint pairs: relaxjax runs a pass at once, and adds the swaps
    counted by its iterations in order."""
    n = len(a)
    swaps = 0
    for p in range(n):
        for j in range(p % 2, n - 1, 2):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1
    return a, swaps


def pairs_from_the_end(a):
    """Iterations three apart, downwards, each moving part of a[j] to a[j - 1]; a float accumulator."""
    moved = 0.0
    for j in range(len(a) - 1, 0, -3):
        t = a[j] - a[j - 1]
        if t > 0.5:
            a[j - 1] += t / 2
            a[j] -= t / 2
            moved += t
    return a, moved


def normalise_rows(m):
    """Rows are independent; within a row, a sum (an accumulator) and then independent elements."""
    for r in range(len(m)):
        s = 0.0
        for c in range(len(m[r])):
            s += abs(m[r][c])
        for c in range(len(m[r])):
            if m[r][c] < 0:
                m[r][c] = m[r][c] / (s + 1.0)
    return m


def cocktail_sort(a):
    n = len(a)
    lo, hi = 0, n - 1
    while lo < hi:
        for j in range(lo, hi):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
        hi -= 1
        for j in range(hi, lo, -1):
            if a[j - 1] > a[j]:
                a[j - 1], a[j] = a[j], a[j - 1]
        lo += 1
    return a


def ranks(a):
    n = len(a)
    r = [0] * n
    for i in range(n):
        for j in range(n):
            if j != i and a[j] < a[i]:
                r[i] += 1
    return r


def is_sorted(a):
    ok = True
    for i in range(len(a) - 1):
        ok = ok and not (a[i] > a[i + 1])
    return ok


# ---------------------------------------------------------------- scanning and counting
def max_subarray(a):
    best = a[0]
    cur = a[0]
    for i in range(1, len(a)):
        cur = max(a[i], cur + a[i])
        best = max(best, cur)
    return best


def argmin_scan(a):
    best = a[0]
    idx = 0
    for i in range(1, len(a)):
        if a[i] < best:
            best = a[i]
            idx = i
    return best, idx


def count_between(a, lo, hi):
    count = 0
    for x in a:
        if lo < x < hi:
            count += 1
    return count


def for_each_with_inner_row_loop(a, x):
    """A loop over `a` whose body runs an inner loop on one element (its row is carried, then written
    back: that changes an element of `a`, it does not rebind it)."""
    s = 0.0
    for e in a:
        if e > x:
            a[0] = e + 1.0
        for _ in range(2):
            a[-1] = a[-1] * 0.5
        s += e
    return s, a


def for_each_with_inner_independent_loop(a, x):
    """An inner loop whose iterations run at once writes elements of `a` back after it; the loop over
    `a` sees them, as Python's iterator does."""
    total = 0.0
    for e in a:
        total += e
        for i in range(len(a) - 1):
            a[i + 1] = a[i + 1] * 0.5 + x
    return total, a


def for_each_changed_by_inner_loop(a, x):
    """Only the inner loop changes `a` (through its carried row): the outer loop still sees the change."""
    s = 0.0
    for e in a:
        for _ in range(2):
            a[-1] = a[-1] * 0.5
        if e > x:
            s += e
    return s, a


def votes(a, b, t):
    """Truth values in arithmetic: CPython counts them as ints (JAX's bool arrays would OR, AND, fail)."""
    score = 0
    for i in range(len(a)):
        above = (a[i] > t) + (b[i] > t)          # 0, 1 or 2
        score = score + above * above - (a[i] < b[i]) * (b[i] > t)
    return score, -(a[0] > t), +(b[0] > t)


def three_bins(a):
    neg, small, large = 0, 0, 0
    for x in a:
        if x < 0.0:
            neg += 1
        elif x < 1.0:
            small += 1
        else:
            large += 1
    return neg, small, large


def prefix_max(a):
    out = [0.0] * len(a)
    m = a[0]
    for i in range(len(a)):
        m = max(m, a[i])
        out[i] = m
    return out


def leaky_total(a):
    total = 0.0
    for x in a:
        total += x if x > 0 else -0.1 * x
    return total


def mean_abs_deviation(a):
    m = 0.0
    for x in a:
        m += x
    m = m / len(a)
    total = 0.0
    for x in a:
        total += abs(x - m)
    return total / len(a), min(a), max(a)


def clip_all(a, lo, hi):
    for i in range(len(a)):
        a[i] = min(max(a[i], lo), hi)
    return a


def any_all_negative(a):
    seen_neg = False
    all_neg = True
    for x in a:
        seen_neg = seen_neg or x < 0.0
        all_neg = all_neg and x < 0.0
    return seen_neg, all_neg


def nonzero_count(a):
    c = 0
    for x in a:
        if x:
            c += 1
    return c


# ---------------------------------------------------------------- dynamic programming
def levenshtein(s, t):
    m, n = len(s), len(t)
    d = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(m + 1):
        d[i][0] = i
    for j in range(n + 1):
        d[0][j] = j
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            cost = 0 if s[i - 1] == t[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
    return d[m][n]


def lcs_length(s, t):
    m, n = len(s), len(t)
    d = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            if s[i - 1] == t[j - 1]:
                d[i][j] = d[i - 1][j - 1] + 1
            else:
                d[i][j] = max(d[i - 1][j], d[i][j - 1])
    return d[m][n]


def soft_lcs(s, t):
    m, n = len(s), len(t)
    d = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            if abs(s[i - 1] - t[j - 1]) < 0.25:
                d[i][j] = d[i - 1][j - 1] + 1.0
            else:
                d[i][j] = max(d[i - 1][j], d[i][j - 1])
    return d[m][n]


def knapsack(weights, values, capacity):
    dp = [0.0] * (capacity + 1)
    for i in range(len(weights)):
        for w in range(capacity, weights[i] - 1, -1):
            dp[w] = max(dp[w], dp[w - weights[i]] + values[i])
    return dp[capacity]


# ---------------------------------------------------------------- graphs
def floyd_warshall(w):
    n = len(w)
    d = [[w[i][j] for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if d[i][k] + d[k][j] < d[i][j]:
                    d[i][j] = d[i][k] + d[k][j]
    return d


def bellman_ford(w):
    n = len(w)
    dist = [math.inf] * n
    dist[0] = 0.0
    for _ in range(n - 1):
        for u in range(n):
            for v in range(n):
                if dist[u] + w[u][v] < dist[v]:
                    dist[v] = dist[u] + w[u][v]
    return dist


def transpose_in_place(m):
    n = len(m)
    for i in range(n):
        for j in range(i + 1, n):
            m[i][j], m[j][i] = m[j][i], m[i][j]
    return m


def matrix_row_argmax_count(m):
    count = 0
    for i in range(len(m)):
        best = m[i, 0]
        for j in range(1, len(m[0])):
            if m[i, j] > best:
                best = m[i, j]
        if best > 0.5:
            count += 1
    return count


# ---------------------------------------------------------------- while loops
def grow_until(x0, target):
    x = x0
    steps = 0
    while x < target:
        x = x * 2.0 + 0.1
        steps += 1
    return x, steps


def float_countdown(x):
    n = 0.0
    while x > 0.0:
        x = x - 1.0
        n = n + 1.0
    return n, x


def gcd(a, b):
    while b != 0:
        a, b = b, a % b
    return a


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def integer_sqrt(n):
    lo, hi = 0, n + 1
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if mid * mid <= n:
            lo = mid
        else:
            hi = mid
    return lo


def greedy_change(amount):
    count = 0
    for coin in (25, 10, 5, 1):
        while amount >= coin:
            amount -= coin
            count += 1
    return count


def static_while(a):
    n = len(a)
    total = 0.0
    i = 0
    while i < n:
        total = total + a[i] * a[i]
        i += 2
    return total


def staged_passes(a):
    n = len(a)
    go = True
    total = 0.0
    while go:
        n -= 1
        for j in range(n):
            total += a[j] * 0.5
        if n % 2 == 1:
            go = True
        else:
            go = n > 0 and a[n] > 0.0
    return total


# ---------------------------------------------------------------- soft indices, calls, iteration
def selection_sort(a):
    n = len(a)
    for i in range(n):
        m = i
        for j in range(i + 1, n):
            if a[j] < a[m]:
                m = j
        a[i], a[m] = a[m], a[i]
    return a


def dijkstra(w):
    n = len(w)
    dist = [1e9] * n   # a finite "infinity": soft indices give it weight at low beta (see README)
    dist[0] = 0.0
    visited = [False] * n
    for _ in range(n):
        u = 0
        best = math.inf
        for v in range(n):
            if not visited[v] and dist[v] < best:
                best = dist[v]
                u = v
        visited[u] = True
        for v in range(n):
            if dist[u] + w[u][v] < dist[v]:
                dist[v] = dist[u] + w[u][v]
    return dist


def binary_search(a, target):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return lo


def inversions_by_position(a, w):
    total = 0.0
    for i, x in enumerate(a):
        total += w[i] * sum(a[j] > x for j in range(i))
    return total


def zip_reversed_dot(a, b):
    total = 0.0
    for x, y in zip(a, reversed(b)):
        total += max(x * y, 0.0)
    return total


def positives(a):
    out = []
    for x in a:
        out.append(max(x, 0.0))
    return out


def nearest_value(a, t):
    k = min(range(len(a)), key=lambda j: abs(a[j] - t))
    return a[k]


def closest_with_jnp(a, t):
    k = jnp.argmin(jnp.abs(a - t))
    return a[k]


def classify(x, lo, hi):
    if x < lo:
        return -1.0
    elif x > hi:
        if x > 2.0 * hi:
            return 2.0
        y = x * 0.5
        return y
    z = x * x
    return z


def first_above_static(a, t):
    n = len(a)
    if n == 0:
        return -1.0
    best = a[0]
    for x in a:
        best = max(best, x)
    if best > t:
        return best - t
    return 0.0


def bucket_counts(a, width):
    counts = [0, 0, 0, 0]
    for x in a:
        k = int(abs(x) // width) % 4
        counts[k] += 1
    return counts, round(a[0] * 10.0) / 10.0


# ---------------------------------------------------------------- break and continue
def prefix_until(a, t):
    s = 0.0
    for x in a:
        if s + x > t:
            break
        s += x
    return s


def first_index_above(a, t):
    idx = -1
    for i in range(len(a)):
        if a[i] > t:
            idx = i
            break
    return idx


def sum_skipping(a, lo):
    s = 0.0
    count = 0
    for x in a:
        if x < lo:
            continue
        elif x > 2.0:
            s += 2.0
            continue
        s += x
        count += 1
    return s, count


def doubling(x, t):
    n = 0
    while True:
        x = x * 2.0
        n += 1
        if x > t:
            break
    return x, n


def count_up(x, t):
    k = 0.0
    while x < t:
        x = x + 1.0
        if x > 3.0:
            continue
        k += 1.0
    return k


def first_row_with_large_sum(m, t):
    found = -1
    for i in range(len(m)):
        total = 0.0
        for j in range(len(m[0])):
            if m[i][j] < 0.2:
                break
            total += m[i][j]
        if total > t:
            found = i
            break
    return found


def first_index_return(a, t):
    for i in range(len(a)):
        if a[i] > t:
            return i
    return -1


def find_pair(a, t):
    n = len(a)
    k = 0
    while k < n - 1:
        if a[k] + a[k + 1] > t:
            return k, a[k]
        k += 1
    z = a[0] * 2.0
    return -1, z


def linear_probe(a, t):
    best = 0.0
    for x in a:
        if x > t + 1.0:
            return x - t
        elif x > t:
            continue
        best = max(best, x)
    if best > 0.5:
        return best
    return -best


def split_sums(a):
    stats = {"neg": 0.0, "pos": 0.0}
    for x in a:
        if x < 0:
            stats["neg"] += x
        else:
            stats["pos"] += x
    return stats["neg"], stats["pos"]


def sorted_descending(a):
    b = [a[k] for k in range(len(a))]
    b.sort()
    b.reverse()
    return b


def find_in_matrix(m, t):
    for i in range(len(m)):
        for j in range(len(m[0])):
            if m[i][j] > t:
                return i * 10 + j
        if m[i][0] < 0.3:
            break
    return -1


def return_or_break(a, lo, hi):
    total = 0.0
    for x in a:
        if x > hi:
            return -total
        if x < lo:
            break
        total += x
    total = total * 2.0
    return total


def run_lengths(a):
    total = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            if a[j] > a[i]:
                break
            total += 1
    return total


def update_at_places(grid, rows, cols, x):
    """Updates at traced places that often coincide, in sequential ifs: relaxed merges of the
    written elements must see the last write to each place."""
    for t in range(len(rows) - 1):
        r, c = rows[t], cols[t]
        r2, c2 = rows[t + 1], cols[t + 1]
        if grid[r][c] > x[t]:
            grid[r][c] = grid[r][c] - x[t]
        if grid[r2][c2] < x[t + 1]:
            grid[r2][c2] = grid[r2][c2] + 2.0 * x[t + 1]
    return grid


def running_max_in_place(a):
    """Iterates over the list it changes: each iteration sees the value the previous one wrote."""
    for i, v in enumerate(a):
        if i + 1 < len(a) and v > a[i + 1]:
            a[i + 1] = v
    total = 0.0
    for v in a:
        a[-1] = a[-1] + v   # the last iteration reads the sum written so far, as Python's iterator does
        total += v
    return a, total


def first_above(a, t):
    """A loop that returns, inside an `if`."""
    if t > 0.0:
        for v in a:
            if v > t:
                return v
    return a[-1]


def rows_at_fixed_places(d, a, b, x):
    """Loops that use a few rows at places they do not change (row_hoisting): rows that coincide
    (a == b), rows that are one row modulo the table's size (i and i - 2 of two rows), a row written
    and read through neighbouring places (i and i + 1), and a soft condition around the writes. Each
    reads elements written earlier in the same loop through the other place."""
    for _ in range(2):
        for j in range(1, len(d[0])):
            if d[b][j - 1] > x:
                d[a][j] = d[b][j - 1] + d[a][j] * 0.5
    for i in range(len(d) - 1):
        for j in range(1, len(d[0])):
            d[i + 1][j] = min(d[i][j - 1] + 1.0, d[i + 1][j - 1] + d[i][j])
    for i in range(2):
        for j in range(1, len(d[0])):
            d[i][j] = d[i - 2][j - 1] * 0.5 + d[i][j]
    total = 0.0
    for j in range(len(d[0])):
        total += d[a][j] * x
    return d, total


def step_locals(a, t):
    """Values each step assigns before reading (not carried from step to step) beside look-alikes that
    must be carried: one assigned on one path only, one read after the loop, one an inner loop may
    leave unassigned, one a `while` test reads."""
    total, best, q, k = 0.0, 0.0, 0.0, 0.0
    for i in range(len(a)):
        d = a[i] - t
        if d > 0:
            w = d
        else:
            w = -d
        if a[i] > t:
            best = a[i]
        for j in range(i):
            q = a[j] * d
            total += q
        total += w + best + q
        seen = a[i]
    while k < t + 2.0:
        step = k + 1.0
        k = step * 1.5
    return total + seen + k


def neighbour_max(g):
    """Each cell's largest value among itself and its 4 neighbours; above row 0 is the last row, as
    Python reads `g[-1]` (relaxjax runs both loops at once and feeds in the shifted rows and cells)."""
    k, m = len(g), len(g[0])
    out = [[0.0] * m for _ in range(k)]
    for r in range(k):
        for c in range(m):
            best = g[r][c]
            for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                rr, cc = r + dr, c + dc
                if rr < k and 0 <= cc < m and g[rr][cc] > best:
                    best = g[rr][cc]
            out[r][c] = best
    return out


# ---------------------------------------------------------------- real Python, round 2
def bubble_sort_until_sorted(a):
    """A flag tested with `is`: `while is_sorted is False` (CPython's identity of bools)."""
    is_sorted = False
    while is_sorted is False:
        is_sorted = True
        for i in range(len(a) - 1):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                is_sorted = False
    return a


def largest_or_zero(a):
    """The first line of many real functions: a list's truth value is whether it is non-empty."""
    if not a:
        return 0.0
    best = a[0]
    for x in a:
        if x > best:
            best = x
    return best


def grid_corner_sum(grid):
    if not grid or not grid[0]:
        return 0.0
    total = 0.0
    for row in grid:
        if row[0] > 1.0 and row[len(row) - 1] > 1.0:
            total += row[0]
    return total


def square_root_search(n):
    """`return` inside a `while` whose bound is known only at run time."""
    i = 0
    while i < n:
        if i * i == n:
            return i + 0.5
        i += 1
    return -1.0


def contains_sorted(a, x):
    """A binary search with an early `return True` and a final `return False`."""
    left = 0
    right = len(a) - 1
    while left <= right:
        mid = (left + right) // 2
        if a[mid] == x:
            return True
        elif a[mid] < x:
            left = mid + 1
        else:
            right = mid - 1
    return False


def best_capacity(weights, values):
    """A loop variable read after its loop (Python keeps its last value)."""
    dp = [0.0] * (len(values) + 1)
    for w in range(1, len(values) + 1):
        dp[w] = dp[w - 1]
        if values[w - 1] > weights[w - 1]:
            dp[w] = dp[w - 1] + values[w - 1]
    return dp[w] + w


def stop_index(a, t):
    for i in range(len(a)):
        if a[i] > t:
            break
    return i


def cocktail_shaker(a):
    """A soft `break` inside a `while` whose running paths keep exact integer bounds."""
    start = 0
    end = len(a) - 1
    swapped = True
    while start < end:
        swapped = False
        for i in range(start, end):
            if a[i] > a[i + 1]:
                a[i], a[i + 1] = a[i + 1], a[i]
                swapped = True
        if not swapped:
            break
        end -= 1
        for i in range(end, start, -1):
            if a[i - 1] > a[i]:
                a[i], a[i - 1] = a[i - 1], a[i]
                swapped = True
        start += 1
    return a


def ranks_counting_self(a):
    """Each element also compared with itself: exact (not a tie) under one perturbation per value."""
    r = [0.0] * len(a)
    for i in range(len(a)):
        for j in range(len(a)):
            if a[j] < a[i]:
                r[i] += 1
            if a[j] <= a[i]:
                r[i] += 10
    return r


def halving_weights(a, k):
    """`2 ** (i - 1)`: an int to a negative int is a float in Python (0.5), never an integer power."""
    total = 0.0
    for i in range(len(a)):
        if a[i] > 0.0:
            total += a[i] * 2 ** (i - 1) + k ** 2 - 2 ** -k
    return total


def crossings(ys, py, px):
    """Ray casting's crossing test: truth values compared with each other (`!=` is their exclusive or),
    and `^` / `&` / `|` between them."""
    count = 0
    j = len(ys) - 1
    for i in range(len(ys)):
        if (ys[i] > py) != (ys[j] > py):
            count += 1
        j = i
    return count, ((px > ys[0]) & (py > ys[0])) ^ (px > 1.0), (px > 0.5) | (py == 1)


def discounted_gain(rel):
    """DCG: a loop index as a number (`math.log2(r + 2)`), `math` on traced values."""
    total = 0.0
    for r in range(len(rel)):
        if rel[r] > 0.0:
            total += rel[r] / math.log2(r + 2)
    return total + math.sqrt(1.0 + abs(rel[0])) + float(np.tanh(rel[len(rel) - 1]))


def filtered_stats(a, t):
    """Reductions over generators filtered at run time."""
    above = sum(x for x in a if x > t)
    count = len([x for x in a if x > t])
    return above, count, max(x for x in a if x < t + 1.0), any(x > t + 1.0 for x in a if x > 0)


def pairs_after(a):
    """The classic pair loop over a slice that starts at the loop variable (`for y in a[i + 1:]`)."""
    inversions = 0
    for i in range(len(a)):
        for y in a[i + 1:]:
            if a[i] > y:
                inversions += 1
    return inversions


def best_window(a, k):
    """Windows `a[i:i + k]`: `sum` and `len` of a slice whose bounds are loop indices."""
    best = -1e9
    for i in range(len(a) - k + 1):
        window = a[i:i + k]
        if sum(window) / len(window) > best:
            best = sum(window) / len(window)
    return best


def split_bill(total, shares, ndigits):
    """Money arithmetic: `round(x, 2)` rounds the exact binary value (`round(0.35, 1)` is 0.3)."""
    each = round(total / len(shares), ndigits)
    parts = [round(total * s, ndigits) for s in shares]
    return each, parts, round(total, -1)


def majority_votes(a, b, c, t):
    """Vote thresholds: counts that soft `if`s update, compared with ints (integers tie for real: a
    count of exactly 2 passes `votes >= 2`)."""
    passed = 0
    for i in range(len(a)):
        votes = 0
        if a[i] > t:
            votes += 1
        if b[i] > t:
            votes += 1
        if c[i] > t:
            votes += 1
        if votes >= 2:
            passed += 1
    return passed, passed == len(a), passed > 0


def early_stopping(losses, patience):
    """A patience counter: `wait >= patience` with `wait` an expected count."""
    best = losses[0]
    wait = 0
    stop = len(losses)
    for i in range(1, len(losses)):
        if losses[i] < best:
            best = losses[i]
            wait = 0
        else:
            wait += 1
        if wait >= patience and stop == len(losses):
            stop = i
    return stop, wait


def lower_bound(a, target):
    """The half-open binary search: `while lo < hi` ends where lo == hi, two expected indices that tie."""
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def soft_bins(a, width):
    """`int()`, `round()` and `math.floor` of soft values: the expected rounding, with gradients (bins
    that a value moves between); `i / 2` of a loop index stays exact."""
    counts = [0.0] * 4
    for i in range(len(a)):
        k = min(max(int(a[i] / width), 0), 3)
        counts[k] += 1.0 + int(i / 2)
    return counts, round(a[0] / width), math.floor(a[-1]) + math.ceil(a[-1] * 0.5)


def dijkstra_from_infinity(w):
    """The textbook Dijkstra: distances start at inf and `u = -1` until a vertex is chosen. `u` is a
    distribution over the vertices it was assigned, so unreached vertices (inf) weigh exactly 0."""
    n = len(w)
    dist = [math.inf] * n
    dist[0] = 0.0
    visited = [False] * n
    for _ in range(n):
        u = -1
        for v in range(n):
            if not visited[v] and (u == -1 or dist[v] < dist[u]):
                u = v
        visited[u] = True
        for v in range(n):
            if dist[u] + w[u][v] < dist[v]:
                dist[v] = dist[u] + w[u][v]
    return dist


def sorted_median(a):
    """`sorted` of soft data: the relaxed odd-even transposition sort (and `.sort()`, `reverse=`)."""
    s = sorted(a)
    b = list(a)
    b.sort(reverse=True)
    return s[len(s) // 2], b


# ---------------------------------------------------------------- inputs
def _floats(rng, n, spread=1.0):
    return [float(v) for v in rng.normal(size=n) * spread]


def _separated(rng, n):
    """n values at least 0.5 apart, shuffled."""
    return [float(v) for v in rng.permutation(n) * 0.5 + rng.uniform(-3, 3)]


def _matrix(rng, n, m=None):
    return [[float(v) for v in row] for row in rng.uniform(0.1, 2.0, size=(n, m or n))]


def _onehots(rng, m, k):
    return [[float(v) for v in row] for row in np.eye(k)[rng.integers(0, k, size=m)]]


@dataclasses.dataclass
class Algorithm:
    fn: Callable
    inputs: Callable            # rng -> tuple of arguments
    soft: tuple = (0,)          # argument positions that are floating data (gradients, betas)
    separated: Callable | None = None   # rng -> arguments whose comparisons are never near ties
    max_iter: int = 100
    grad_beta: float = 2.0      # moderate beta for the finite-difference test
    sizes: tuple = ()           # argument positions that are sizes: they must stay static Python ints
    float64_only: bool = False  # hard mode equals CPython only in float64 (rounding the exact binary value)

    @property
    def name(self):
        return self.fn.__name__


def _sizes(rng):
    return int(rng.integers(2, 9))


CORPUS = [
    Algorithm(neighbour_max, lambda r: (_matrix(r, int(r.integers(2, 5)), int(r.integers(2, 5))),)),
    Algorithm(step_locals, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.7, 0.2, 3.0], 0.5)),
    Algorithm(rows_at_fixed_places, lambda r: (_matrix(r, int(r.integers(2, 5)), 3), int(r.integers(0, 2)),
                                                int(r.integers(0, 2)), float(r.normal())), soft=(0, 3)),
    Algorithm(update_at_places, lambda r: (_matrix(r, 2), [int(v) for v in r.integers(0, 2, 6)],
                                           [int(v) for v in r.integers(0, 2, 6)], _floats(r, 6)),
              soft=(0, 3)),
    Algorithm(running_max_in_place, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(first_above, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: (_separated(r, 6)[:5], _separated(r, 6)[5] + 0.25)),
    Algorithm(bubble_swaps, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(bubble_while, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 5),)),
    Algorithm(insertion_sort, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(exchange_sort, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(odd_even_sort, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(odd_even_sort_counting, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(pairs_from_the_end, lambda r: (_floats(r, int(r.integers(14, 22))),)),
    Algorithm(normalise_rows, lambda r: ([[float(v) for v in row] for row in r.normal(size=r.integers(1, 8, 2))],)),
    Algorithm(cocktail_sort, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(ranks, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(is_sorted, lambda r: (sorted(_floats(r, 4)) if r.random() < 0.5 else _floats(r, 4),),
              separated=lambda r: (_separated(r, 4),)),
    Algorithm(max_subarray, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(argmin_scan, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(count_between, lambda r: (_floats(r, _sizes(r)), -0.5, 0.7), soft=(0, 1, 2),
              separated=lambda r: ([-2.0, -1.0, 0.0, 1.0, 2.0], -0.5, 0.5)),
    Algorithm(for_each_with_inner_row_loop, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: (lambda s: (s[:5], s[5] + 0.25))(_separated(r, 6))),
    Algorithm(for_each_with_inner_independent_loop, lambda r: (_floats(r, int(r.integers(2, 10))), float(r.normal())),
              soft=(0, 1)),
    Algorithm(for_each_changed_by_inner_loop, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([1.0, -2.0, 4.0, 0.5], 0.25)),
    Algorithm(votes, lambda r: (lambda n: (_floats(r, n), _floats(r, n), float(r.normal())))(_sizes(r)),
              soft=(0, 1, 2), separated=lambda r: (lambda s: (s[:3], s[3:6], s[6] + 0.25))(_separated(r, 7))),
    Algorithm(three_bins, lambda r: (_floats(r, _sizes(r)),),
              separated=lambda r: ([-1.5, -0.6, 0.5, 1.6, 2.5],)),
    Algorithm(prefix_max, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(leaky_total, lambda r: (_floats(r, _sizes(r)),),
              separated=lambda r: ([-1.5, -0.6, 0.5, 1.6, 2.5],)),
    Algorithm(mean_abs_deviation, lambda r: (_floats(r, _sizes(r)),),
              separated=lambda r: ([-3.0, -1.0, 2.0, 4.0, 6.0],)),
    Algorithm(clip_all, lambda r: (_floats(r, _sizes(r)), -0.5, 0.6), soft=(0, 1, 2),
              separated=lambda r: ([-1.5, -0.6, 0.5, 1.6, 2.5], -0.1, 1.0)),
    Algorithm(any_all_negative, lambda r: (_floats(r, _sizes(r)),),
              separated=lambda r: ([-1.5, -0.6, 0.5, 1.6, 2.5],)),
    Algorithm(nonzero_count, lambda r: ([0.0 if r.random() < 0.4 else v for v in _floats(r, 6)],),
              separated=lambda r: ([0.0, 1.0, -2.0, 0.0, 3.0],)),
    Algorithm(edit_distance_soft, lambda r: (_onehots(r, 5, 3), _onehots(r, 5, 3)), soft=(0, 1),
              separated=lambda r: (_onehots(r, 5, 3), _onehots(r, 5, 3))),
    Algorithm(levenshtein, lambda r: ([int(v) for v in r.integers(0, 3, _sizes(r))],
                                      [int(v) for v in r.integers(0, 3, _sizes(r))]), soft=()),
    Algorithm(lcs_length, lambda r: ([int(v) for v in r.integers(0, 3, _sizes(r))],
                                     [int(v) for v in r.integers(0, 3, _sizes(r))]), soft=()),
    Algorithm(soft_lcs, lambda r: (_floats(r, 5), _floats(r, 6)), soft=(0, 1),
              separated=lambda r: ([0.0, 1.0, 2.0, 3.0], [1.0, 3.0, 0.0, 2.0, 1.0])),
    Algorithm(knapsack, lambda r: ([int(v) for v in r.integers(1, 5, 4)], _floats(r, 4), 7), soft=(1,), sizes=(2,),
              separated=lambda r: ([2, 3, 4, 5], [1.0, 2.5, 4.0, 5.5], 7)),
    Algorithm(floyd_warshall, lambda r: (_matrix(r, int(r.integers(2, 6))),),
              separated=lambda r: ([[0.0, 1.0, 5.0], [9.0, 0.0, 1.5], [2.0, 7.0, 0.0]],)),
    Algorithm(bellman_ford, lambda r: (_matrix(r, int(r.integers(2, 6))),),
              separated=lambda r: ([[0.0, 1.0, 5.0], [9.0, 0.0, 1.5], [2.0, 7.0, 0.0]],)),
    Algorithm(grid_shortest_path, lambda r: (_matrix(r, 3),),
              separated=lambda r: ([[1.0, 5.0, 9.0], [2.0, 8.0, 4.0], [7.0, 3.0, 6.0]],)),
    Algorithm(transpose_in_place, lambda r: (_matrix(r, int(r.integers(1, 6))),)),
    Algorithm(matrix_row_argmax_count, lambda r: (np.asarray(_matrix(r, 3, 4)) / 2,),
              separated=lambda r: (np.array([[0.0, 0.9, 0.2], [0.1, 0.2, 0.3], [2.0, 1.0, 0.0]]),)),
    Algorithm(grow_until, lambda r: (float(r.uniform(0.1, 3.0)), float(r.uniform(1.0, 40.0))), soft=(0, 1),
              separated=lambda r: (0.3, 10.0)),
    Algorithm(float_countdown, lambda r: (float(r.uniform(-1.0, 8.0)),), separated=lambda r: (4.3,)),
    Algorithm(gcd, lambda r: (int(r.integers(1, 200)), int(r.integers(0, 200))), soft=()),
    Algorithm(collatz_steps, lambda r: (int(r.integers(1, 100)),), soft=()),   # 27 takes 111 > max_iter steps
    Algorithm(integer_sqrt, lambda r: (int(r.integers(0, 500)),), soft=()),
    Algorithm(greedy_change, lambda r: (int(r.integers(0, 100)),), soft=()),
    Algorithm(selection_sort, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(dijkstra, lambda r: (_matrix(r, int(r.integers(2, 6))),),
              separated=lambda r: ([[0.0, 1.0, 5.0], [9.0, 0.0, 1.5], [2.0, 7.0, 0.0]],)),
    Algorithm(binary_search, lambda r: (sorted(_floats(r, 7)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-3.0, -1.0, 0.5, 2.0, 4.0], 1.2)),
    Algorithm(inversions_by_position, lambda r: (lambda n: (_floats(r, n), _floats(r, n)))(_sizes(r)),
              soft=(0, 1), separated=lambda r: ([1.0, -2.0, 3.0, 0.5], [1.0, 2.0, 0.5, 1.5])),
    Algorithm(zip_reversed_dot, lambda r: (_floats(r, 6), _floats(r, 5)), soft=(0, 1),
              separated=lambda r: ([1.0, -2.0, 3.0], [0.5, 1.5, -1.0])),
    Algorithm(positives, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: ([-1.0, 2.0, -3.0, 4.0],)),
    Algorithm(nearest_value, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-2.0, 0.0, 1.5, 3.0], 1.2)),
    Algorithm(closest_with_jnp, lambda r: (np.asarray(_floats(r, _sizes(r))), float(r.normal())), soft=(0, 1),
              separated=lambda r: (np.array([-2.0, 0.0, 1.5, 3.0]), 1.2)),
    Algorithm(classify, lambda r: (float(r.normal() * 2), -0.5, 0.7), soft=(0, 1, 2),
              separated=lambda r: (1.0, -0.5, 0.4)),
    Algorithm(first_above_static, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 2.0, 0.5], 1.0)),
    Algorithm(bucket_counts, lambda r: (_floats(r, _sizes(r)), 0.7), soft=(0,)),
    Algorithm(prefix_until, lambda r: (_floats(r, _sizes(r)), float(r.uniform(0, 2))), soft=(0, 1),
              separated=lambda r: ([0.5, 0.7, 2.0, 1.0], 1.0)),
    Algorithm(first_index_above, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.0, 2.0, 3.0], 1.0)),
    Algorithm(sum_skipping, lambda r: (_floats(r, _sizes(r), 2.0), -0.3), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.5, 3.0, 1.5], 0.0)),
    Algorithm(doubling, lambda r: (float(r.uniform(0.1, 2.0)), float(r.uniform(2.0, 30.0))), soft=(0, 1),
              separated=lambda r: (0.3, 5.0)),
    Algorithm(count_up, lambda r: (float(r.uniform(-2.0, 2.0)), float(r.uniform(0.0, 8.0))), soft=(0, 1),
              separated=lambda r: (0.5, 6.0)),
    Algorithm(first_row_with_large_sum, lambda r: (_matrix(r, int(r.integers(2, 5)), 3), float(r.uniform(1, 5))),
              soft=(0, 1), separated=lambda r: ([[1.0, 0.0, 3.0], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]], 2.5)),
    Algorithm(first_index_return, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.0, 2.0, 3.0], 1.0)),
    Algorithm(find_pair, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.0, 2.0, 3.0], 1.0)),
    Algorithm(linear_probe, lambda r: (_floats(r, _sizes(r)), float(r.normal() * 0.5)), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.7, 0.2, 3.0], 0.5)),
    Algorithm(split_sums, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: ([-1.5, 0.5, 2.0],)),
    Algorithm(sorted_descending, lambda r: (_floats(r, _sizes(r)),), soft=()),
    Algorithm(find_in_matrix, lambda r: (_matrix(r, int(r.integers(2, 4)), 3), float(r.uniform(1.0, 2.2))),
              soft=(0, 1), separated=lambda r: ([[1.0, 0.5, 0.9], [0.8, 2.0, 1.0]], 1.5)),
    Algorithm(return_or_break, lambda r: (_floats(r, _sizes(r)), -1.0, 1.2), soft=(0, 1, 2),
              separated=lambda r: ([0.5, 0.2, 2.0, -3.0], -1.0, 1.5)),
    Algorithm(run_lengths, lambda r: (_floats(r, _sizes(r) + 1),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(staged_passes, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 7),)),
    Algorithm(static_while, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 5),)),
    Algorithm(bubble_sort_until_sorted, lambda r: (_floats(r, int(r.integers(2, 5)), 3.0),), grad_beta=4.0,
              separated=lambda r: (_separated(r, 5),)),
    Algorithm(largest_or_zero, lambda r: (_floats(r, int(r.integers(1, 6))),), separated=lambda r: (_separated(r, 5),)),
    Algorithm(grid_corner_sum, lambda r: (_matrix(r, int(r.integers(1, 4)), int(r.integers(1, 4))),),
              separated=lambda r: ([[0.5, 1.5, 2.0], [1.5, 0.2, 1.6]],)),
    Algorithm(square_root_search, lambda r: (float(r.choice([r.integers(0, 40), r.uniform(0, 40)])),),
              separated=lambda r: (float(r.choice([4.0, 9.0, 15.5, 24.5, 36.0])),)),
    Algorithm(contains_sorted, lambda r: (lambda a: (a, float(r.choice(a + [0.25]))))(sorted(_floats(r, _sizes(r)))),
              soft=(0, 1)),
    Algorithm(best_capacity, lambda r: (lambda n: (_floats(r, n), _floats(r, n)))(_sizes(r)), soft=(0, 1),
              separated=lambda r: ([0.0, 1.0, 0.5], [1.0, 0.5, 2.0])),
    Algorithm(stop_index, lambda r: (_floats(r, _sizes(r)), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.0, 2.0, 3.0], 1.0)),
    Algorithm(cocktail_shaker, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(ranks_counting_self, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(halving_weights, lambda r: (_floats(r, _sizes(r)), int(r.integers(-3, 4))),
              separated=lambda r: ([-1.0, 0.5, 2.0, -0.7, 1.5], 2)),
    Algorithm(filtered_stats, lambda r: (_floats(r, _sizes(r)), float(r.normal() * 0.3)), soft=(0, 1),
              separated=lambda r: ([-1.0, 0.6, 1.7, 2.8], 0.2)),
    Algorithm(pairs_after, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(best_window, lambda r: (_floats(r, _sizes(r) + 2), 2), sizes=(1,),
              separated=lambda r: ([1.0, -2.0, 3.0, 0.5, 2.0], 2)),
    Algorithm(split_bill, lambda r: (round(float(r.uniform(0, 300)), 2),
                                     [float(v) for v in r.choice([0.05, 0.15, 0.35, 0.5, 0.125], _sizes(r))],
                                     int(r.integers(0, 3))), soft=(), sizes=(2,), float64_only=True),
    Algorithm(discounted_gain, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: ([1.0, -0.5, 2.0, 0.7],)),
    Algorithm(majority_votes, lambda r: (lambda n: (_floats(r, n), _floats(r, n), _floats(r, n), float(r.normal())))(
              _sizes(r)), soft=(0, 1, 2, 3), separated=lambda r: ([1.0, -1.0, 2.0], [2.0, 1.5, -2.0], [-1.0, 3.0, 1.0], 0.5)),
    Algorithm(early_stopping, lambda r: (_floats(r, _sizes(r) + 2), int(r.integers(1, 4))), sizes=(1,),
              separated=lambda r: ([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, 0.5], 2)),
    Algorithm(lower_bound, lambda r: (sorted(_floats(r, int(r.integers(1, 9)))), float(r.normal())), soft=(0, 1),
              separated=lambda r: ([-3.0, -1.0, 0.5, 2.0, 4.0], float(r.choice([-4.0, 1.2, 0.0, 5.0])))),
    Algorithm(soft_bins, lambda r: (_floats(r, _sizes(r)), 0.5), separated=lambda r: ([0.2, 0.7, 1.3, -0.3, 1.9], 0.5)),
    Algorithm(dijkstra_from_infinity, lambda r: (_matrix(r, int(r.integers(2, 5))),),
              separated=lambda r: ([[0.5, 1.0, 5.0], [9.0, 0.5, 1.5], [2.0, 7.0, 0.5]],)),
    Algorithm(sorted_median, lambda r: (_floats(r, _sizes(r)),), separated=lambda r: (_separated(r, 6),)),
    Algorithm(crossings, lambda r: (_floats(r, _sizes(r)), float(r.normal()), float(r.normal())), soft=(0, 1, 2),
              separated=lambda r: ([0.0, 2.0, -1.0, 0.7], float(r.choice([0.5, 1.4, -0.6])), 1.6)),
]
