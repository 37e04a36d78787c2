"""Random programs over the subset relaxjax supports, for differential fuzzing against CPython.

A program is `def prog(x, y, a)` (two floats and a list of floats) built from nested `if`/`elif`/`else`,
`for` over ranges whose bounds depend on enclosing loops, `for` over the list, `while` with a bounded
counter, `break`/`continue`/`return` under conditions, comparisons and `and`/`or`/`not` on floats and
ints, reads, writes and swaps of list elements (including `a[-1]` and soft indices `a[min(c, n-1)]`),
`min`/`max`/`abs` and arithmetic, truth values in it included (`(x < y) + (c0 > 1)`), truth values
tested with `is True` / `is not False`, the list's own truth value (`not a or ...`), truth values compared
with each other or combined by `&`, `|`, `^`, `int()` / `round()` of floats, counters compared with
ints, `sum` / `any` / `all` over generators with `if` filters, a
loop variable read after its loop, and loops over disjoint pairs whose iterations are independent
(relaxjax runs them at once). It returns its whole state: `f0, f1, f2, c0, c1, a`.

Programs are trees of `Stmt` so that a failing one can be shrunk statement by statement. Every program
terminates, reads only defined names and indexes only in range, so CPython always runs it.
"""
from __future__ import annotations

import dataclasses
import random

FLOATS = ("f0", "f1", "f2")
COUNTERS = ("c0", "c1")
RESULT = "f0, f1, f2, c0, c1, a"
PROLOGUE = ("n = len(a)", "f0 = x", "f1 = y", "f2 = 0.0", "c0 = 0", "c1 = 0")
CONSTANTS = ("0.0", "1.0", "-1.0", "0.5", "2.0", "3.0")
STATIC_RANGES = ("in range(n):", "in range(1, n):", "in range(n - 1):", "in range(2):")   # never empty (n >= 3)
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


@dataclasses.dataclass
class Stmt:
    """One statement: a line, or a compound header with a body (and an `else` body for `if`).

    `pinned` statements are never removed when shrinking (a `while` counter's increment, the prologue,
    the final `return`): without them the program might not terminate, read a name it never bound, or
    return nothing."""

    head: str
    body: list["Stmt"] | None = None
    orelse: list["Stmt"] | None = None
    pinned: bool = False
    before: str | None = None   # a line that goes with this statement (a `while` counter's start)


@dataclasses.dataclass(frozen=True)
class _Loop:
    """A loop variable in scope: an int index with its static range (`lo..hi` relative to `n`, as
    offsets from 0 and from n - 1), or a float element of the list (`element=True`)."""

    name: str
    element: bool = False
    lo: int = 0          # smallest value
    hi_below_last: int = 0   # largest value is n - 1 - hi_below_last


class Generator:
    """Random programs from a seed; `program()` returns the body of `prog` as a list of `Stmt`."""

    def __init__(self, seed: int, max_depth: int = 3, max_statements: int = 14):
        self.rng = random.Random(seed)
        self.max_depth = max_depth
        self.budget = max_statements
        self.fresh = 0

    def program(self) -> list[Stmt]:
        body = [Stmt(line, pinned=True) for line in PROLOGUE]
        body += self.block(depth=0, loops=(), in_loop=False, length=self.rng.randint(2, 5))
        body.append(Stmt(f"return {RESULT}", pinned=True))
        return body

    # statements

    def block(self, depth: int, loops: tuple[_Loop, ...], in_loop: bool, length: int) -> list[Stmt]:
        out = []
        for _ in range(length):
            if self.budget <= 0:
                break
            self.budget -= 1
            out += self.statement(depth, loops, in_loop)
        return out or [Stmt("f2 = f2 + 1.0")]

    def statement(self, depth: int, loops: tuple[_Loop, ...], in_loop: bool) -> list[Stmt]:
        r = self.rng
        kinds = ["assign", "assign", "counter", "write", "swap", "position"]
        if depth < self.max_depth:
            kinds += ["if", "if", "for", "while", "pairs"]
            if any(loop.element for loop in loops) is False:
                kinds.append("for_each")
        if in_loop:
            kinds += ["exit"]
        kinds.append("return")
        kind = r.choice(kinds)
        if kind == "assign":
            target = r.choice(FLOATS)
            if r.random() < 0.3:
                return [Stmt(f"{target} += {self.expr(loops, 2)}")]
            return [Stmt(f"{target} = {self.expr(loops, 2)}")]
        if kind == "counter":
            c = r.choice(COUNTERS)
            return [Stmt(r.choice([f"{c} += 1", f"{c} = {c} + {r.randint(1, 2)}", f"{c} = c0 + c1"]))]
        if kind == "write":
            return [Stmt(f"a[{self.index(loops)}] = {self.expr(loops, 2)}")]
        if kind == "position":   # a counter assigned a position (`best = i`): under a soft `if`, a distribution
            places = ["0", "1", "2"] + [loop.name for loop in loops if not loop.element] * 2
            return [Stmt(f"{r.choice(COUNTERS)} = {r.choice(places)}")]
        if kind == "swap":
            i, j = self.index(loops, hard=True), self.index(loops, hard=True)
            return [Stmt(f"a[{i}], a[{j}] = a[{j}], a[{i}]")]
        if kind == "if":
            return [self.if_stmt(depth, loops, in_loop)]
        if kind == "for":
            loop = self.for_range(depth, loops)
            name = loop.head.split()[1]
            if loop.head.endswith(STATIC_RANGES) and r.random() < 0.4:   # Python keeps the last value
                return [loop, Stmt(f"c1 = c1 + {name}")]
            return [loop]
        if kind == "pairs":
            return [self.pairs_loop(loops)]
        if kind == "for_each":
            name = self.new_name("e")
            loop = _Loop(name, element=True)
            return [Stmt(f"for {name} in a:", self.block(depth + 1, loops + (loop,), True, r.randint(1, 3)))]
        if kind == "while":
            return self.while_stmt(depth, loops)
        if kind == "exit":
            return [Stmt(f"if {self.cond(loops, 1)}:", [Stmt(r.choice(["break", "continue"]))])]
        return [Stmt(f"if {self.cond(loops, 1)}:", [Stmt(f"return {RESULT}")])]

    def if_stmt(self, depth: int, loops: tuple[_Loop, ...], in_loop: bool) -> Stmt:
        r = self.rng
        body = self.block(depth + 1, loops, in_loop, r.randint(1, 3))
        shape = r.random()
        orelse = None
        if shape < 0.25:
            orelse = [self.if_stmt(depth + 1, loops, in_loop)] if depth + 1 < self.max_depth else None
        elif shape < 0.6:
            orelse = self.block(depth + 1, loops, in_loop, r.randint(1, 2))
        return Stmt(f"if {self.cond(loops, 2)}:", body, orelse)

    def for_range(self, depth: int, loops: tuple[_Loop, ...]) -> Stmt:
        r = self.rng
        outer = [loop for loop in loops if not loop.element]
        choices = [("range(n)", 0, 0), ("range(1, n)", 1, 0), ("range(n - 1)", 0, 1), ("range(2)", 0, 1)]
        if outer:
            v = r.choice(outer).name
            # value ranges: v in [0, n - 1] at most, so each of these stays within [0, n - 1]
            choices += [(f"range({v} + 1, n)", 1, 0), (f"range({v})", 0, 1), (f"range(n - 1 - {v})", 0, 1),
                        (f"range({v}, n, 2)", 0, 0)]
        bounds, lo, below = r.choice(choices)   # range(2) assumes n >= 3
        name = self.new_name("i")
        loop = _Loop(name, lo=lo, hi_below_last=below)
        return Stmt(f"for {name} in {bounds}:", self.block(depth + 1, loops + (loop,), True, r.randint(1, 3)))

    def pairs_loop(self, loops: tuple[_Loop, ...]) -> Stmt:
        """A loop over disjoint neighbour pairs (step 2) whose body touches only its own pair and adds to
        a counter or a float it does not read: its iterations are independent (relaxjax runs them at once)."""
        r = self.rng
        i = self.new_name("i")
        starts = ["0", "1"] + [f"{loop.name} % 2" for loop in loops if not loop.element]
        a, b = f"a[{i}]", f"a[{i} + 1]"
        own = lambda: r.choice((a, b, a, b, "x", "y", *CONSTANTS))   # noqa: E731
        value = lambda: r.choice((own(), f"({own()} + {own()})", f"0.5 * {own()}", f"min({own()}, {own()})",  # noqa: E731
                                  f"max({own()}, {own()})", f"abs({own()})"))
        changed = r.choice(([Stmt(f"{a}, {b} = {b}, {a}")], [Stmt(f"{a} = {value()}")], [Stmt(f"{b} = {value()}")]))
        counted = Stmt(r.choice((f"{r.choice(COUNTERS)} += 1", f"{r.choice(FLOATS)} += {value()}")))
        orelse = [Stmt(f"{a} = {value()}")] if r.random() < 0.3 else None
        body = [Stmt(f"if {own()} {r.choice(COMPARISONS)} {own()}:", changed + [counted], orelse)]
        if r.random() < 0.5:
            body.insert(0, Stmt(f"{b} = {value()}"))
        return Stmt(f"for {i} in range({r.choice(starts)}, n - 1, 2):", body)

    def while_stmt(self, depth: int, loops: tuple[_Loop, ...]) -> list[Stmt]:
        w = self.new_name("w")
        body = [Stmt(f"{w} += 1", pinned=True)] + self.block(depth + 1, loops, True, self.rng.randint(1, 3))
        return [Stmt(f"while {w} < {self.rng.randint(1, 3)} and {self.cond(loops, 1)}:", body, before=f"{w} = 0")]

    # expressions

    def index(self, loops: tuple[_Loop, ...], hard: bool = False) -> str:
        """An index in range for Python (negative ones wrap around, as in Python)."""
        r = self.rng
        options = ["0", "1", "-1", "n - 1"]
        for loop in loops:
            if loop.element:
                continue
            options += [loop.name, loop.name] + [f"{loop.name} - 1"]
            if loop.hi_below_last >= 1:
                options.append(f"{loop.name} + 1")
        if not hard:
            options.append(f"min({r.choice(COUNTERS)}, n - 1)")
        return r.choice(options)

    def leaf(self, loops: tuple[_Loop, ...]) -> str:
        r = self.rng
        options = ["x", "y", *FLOATS, *FLOATS, r.choice(CONSTANTS), r.choice(COUNTERS),
                   f"a[{self.index(loops)}]", f"a[{self.index(loops)}]"]
        options += [loop.name for loop in loops if loop.element]
        return r.choice(options)

    def expr(self, loops: tuple[_Loop, ...], depth: int) -> str:
        r = self.rng
        if depth <= 0 or r.random() < 0.35:
            return self.leaf(loops)
        e = lambda: self.expr(loops, depth - 1)   # noqa: E731
        form = r.randrange(11)
        if form == 10:   # rounding to an integer: relaxed as the expected rounding (an expected count)
            return f"{r.choice(('int', 'round'))}({e()})"
        if form == 0:
            return f"({e()} + {e()})"
        if form == 1:
            return f"({e()} - {e()})"
        if form == 2:
            return f"{r.choice(('0.5', '2.0'))} * {e()}"
        if form == 3:
            return f"-{e()}"
        if form == 4:
            return f"abs({e()})"
        if form == 5:
            return f"min({e()}, {e()})"
        if form == 6:
            return f"max({e()}, {e()}, {e()})"
        if form == 7:
            return f"({e()} if {self.cond(loops, 1)} else {e()})"
        if form == 8:   # truth values in arithmetic: CPython counts them as ints
            return r.choice((f"(({self.cond(loops, 0)}) + ({self.cond(loops, 0)}))",
                             f"{e()} * ({self.cond(loops, 0)})", f"-({self.cond(loops, 0)})"))
        if form == 9 and r.random() < 0.3:   # a sum over a generator filtered at run time
            v = self.new_name("g")
            return f"sum({v} for {v} in a if {v} {r.choice(COMPARISONS)} {self.leaf(loops)})"
        return self.leaf(loops)

    def cond(self, loops: tuple[_Loop, ...], depth: int) -> str:
        r = self.rng
        form = r.randrange(14) if depth > 0 else 0
        if form <= 3:
            return f"{self.expr(loops, 1)} {r.choice(COMPARISONS)} {self.expr(loops, 1)}"
        if form == 4:
            ints = [loop.name for loop in loops if not loop.element] + list(COUNTERS)
            return f"{r.choice(ints)} {r.choice(COMPARISONS)} {r.choice(ints + ['1', '2'])}"
        if form == 5:
            return f"{self.expr(loops, 0)} < {self.expr(loops, 0)} <= {self.expr(loops, 0)}"
        if form == 6:
            return f"not {self.cond(loops, depth - 1)}"
        if form <= 8:
            op = r.choice(("and", "or"))
            return f"({self.cond(loops, depth - 1)} {op} {self.cond(loops, depth - 1)})"
        if form == 10:   # a truth value tested with `is`, as `while done is False:` does
            return f"({self.cond(loops, depth - 1)}) {r.choice(('is', 'is not'))} {r.choice(('True', 'False'))}"
        if form == 11:   # the truth value of the list: non-empty
            return r.choice((f"(not a or {self.cond(loops, depth - 1)})", f"(a and {self.cond(loops, depth - 1)})"))
        if form == 12:   # truth values compared with each other, and combined bit by bit
            op = r.choice(("!=", "==", "&", "|", "^"))
            return f"(({self.cond(loops, 0)}) {op} ({self.cond(loops, 0)}))"
        if form == 13:   # a generator filtered at run time
            v = self.new_name("g")
            return (f"{r.choice(('any', 'all'))}({v} {r.choice(COMPARISONS)} {self.leaf(loops)} for {v} in a "
                    f"if {v} {r.choice(COMPARISONS)} {self.leaf(loops)})")
        return f"{self.expr(loops, 1)} < {self.expr(loops, 1)}"

    def new_name(self, prefix: str) -> str:
        self.fresh += 1
        return f"{prefix}{self.fresh}"


def render(body: list[Stmt], name: str = "prog") -> str:
    """The source text of `def name(x, y, a)` with this body."""
    lines = [f"def {name}(x, y, a):"]

    def emit(stmts: list[Stmt], indent: int, first_is_elif: bool = False) -> None:
        for k, s in enumerate(stmts):
            pad = "    " * indent
            head = ("el" + s.head) if first_is_elif and k == 0 else s.head
            if s.before is not None:
                lines.append(pad + s.before)
            lines.append(pad + head)
            if s.body is not None:
                emit(s.body, indent + 1)
            if s.orelse:
                if len(s.orelse) == 1 and s.orelse[0].head.startswith("if ") and s.orelse[0].body is not None:
                    emit(s.orelse, indent, first_is_elif=True)
                else:
                    lines.append(pad + "else:")
                    emit(s.orelse, indent + 1)

    emit(body, 1)
    return "\n".join(lines) + "\n"


def program(seed: int) -> str:
    """The source of the program with this seed."""
    return render(Generator(seed).program())
