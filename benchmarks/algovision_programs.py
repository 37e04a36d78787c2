"""The benchmark algorithms in AlgoVision (the paper's PyTorch DSL), for the speed comparison. Optional:
needs `pip install algovision==0.1.2` and PyTorch (CPU build); `available()` says whether they import."""
from __future__ import annotations

from typing import Any, Callable


def available() -> bool:
    """Whether algovision and torch can be imported."""
    try:
        import algovision  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def bubble_sort(beta: float) -> Any:
    """The paper's relaxed bubble sort (`while swapped:`), returning the sorted array and the swaps."""
    import torch
    from algovision import GT, Algorithm, For, If, Input, IsTrue, Let, LetInt, Output, Var, VarInt, While
    return Algorithm(
        Input("array"),
        Var("a", torch.tensor(0.)), Var("b", torch.tensor(0.)),
        Var("swapped", torch.tensor(1.)), Var("loss", torch.tensor(0.)),
        VarInt("n", lambda array: array.shape[1] - 1),
        While(IsTrue("swapped"),
              Let("swapped", 0),
              For("i", "n",
                  Let("a", "array", ["i"]),
                  Let("b", "array", [lambda i: i + 1]),
                  If(GT("a", "b"), if_true=[
                      Let("array", [lambda i: i + 1], "a"),
                      Let("array", ["i"], "b"),
                      Let("swapped", 1.),
                      Let("loss", lambda loss: loss + 1.),
                  ])),
              LetInt("n", lambda n: n - 1)),
        Output("array"), Output("loss"),
        beta=beta)


def edit_distance(beta: float) -> Any:
    """Relaxed edit distance of two soft symbol sequences (batch, m, k), loop for loop the plain Python
    of `algorithms.edit_distance`; the table `d` comes in with its first row and column set
    (`initial_table`)."""
    import torch
    from algovision import Algorithm, For, Input, Let, Min, Output, Var, VarInt
    soft_min = Min(beta=beta)
    return Algorithm(
        Input("s"), Input("t"), Input("d"),
        Var("same", torch.tensor(0.)),
        VarInt("m", lambda s: s.shape[1]), VarInt("k", lambda s: s.shape[2]),
        For("i", "m",
            For("j", "m",
                Let("same", 0.),
                For("c", "k",
                    Let("same", lambda same, s, t, i, j, c: same + s[:, i, c] * t[:, j, c])),
                Let("d", [lambda i: i + 1, lambda j: j + 1],
                    lambda d, same, i, j: soft_min(d[:, i, j + 1] + 1., d[:, i + 1, j] + 1., d[:, i, j] + 1. - same)))),
        Output("d"),
        beta=beta)


def initial_table(batch: int, m: int) -> Any:
    """The edit distance table before the loops: d[i][0] = d[0][i] = i."""
    import torch
    d = torch.zeros(batch, m + 1, m + 1)
    d[:, :, 0] = torch.arange(m + 1.)
    d[:, 0, :] = torch.arange(m + 1.)
    return d


def bubble_step(x: Any, beta: float) -> Callable[[], Any]:
    """One forward plus backward pass of the swap count on `x` (a (batch, n) numpy array)."""
    import torch
    algo = bubble_sort(beta)

    def step():
        a = torch.tensor(x, requires_grad=True)
        algo(a)[1].sum().backward()
        return a.grad
    return step


def edit_step(s: Any, t: Any, beta: float) -> Callable[[], Any]:
    """One forward plus backward pass of the edit distance on numpy arrays s, t of shape (batch, m, k)."""
    import torch
    algo = edit_distance(beta)
    m = s.shape[1]

    def step():
        ss, tt = torch.tensor(s, requires_grad=True), torch.tensor(t, requires_grad=True)
        d = algo(ss, tt, initial_table(s.shape[0], m))
        d[:, m, m].sum().backward()
        return ss.grad, tt.grad
    return step
