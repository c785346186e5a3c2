"""Draw the autograd graph behind a tensor: as a picture with torchviz and Graphviz's ``dot``
program, or as text when ``dot`` is not installed.

``show_graph(y)`` is what a notebook calls: a PNG picture where ``dot`` exists, otherwise a
``GraphText`` that says why and shows the same graph as an indented tree. ``graph_text(y)``
gives the tree directly; it needs no Graphviz at all.

    >>> import torch
    >>> w = torch.tensor([2.0], requires_grad=True)
    >>> x = torch.tensor([3.0])
    >>> print(graph_text(w * x, params={"w": w}))
    MulBackward0
    └── AccumulateGrad -> w (1,)
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass

import graphviz
import torch

INSTALL_HINT = (
    "Install Graphviz to see pictures (Debian/Ubuntu: sudo apt-get install graphviz; "
    "macOS: brew install graphviz; Windows: winget install graphviz; "
    "conda: conda install graphviz), then restart the kernel."
)
"""How to get ``dot``, shown whenever a picture falls back to text."""

_NODE_ID = re.compile(r"^(\t)(\d+)(?= )|(-> )(\d+)")


@dataclass(frozen=True)
class GraphText:
    """A graph drawn as text, with the reason it is not a picture."""

    text: str  # the tree, as returned by graph_text()
    reason: str  # one or two sentences: why there is no picture and how to get one

    def __repr__(self) -> str:
        return f"{self.reason}\n\n{self.text}"


def has_dot() -> bool:
    """Return True when Graphviz's ``dot`` program can be found on the PATH.

    >>> isinstance(has_dot(), bool)
    True
    """
    return shutil.which("dot") is not None


def _check_output(output: object) -> torch.Tensor:
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            "output must be a torch.Tensor computed from tensors with requires_grad=True, "
            f"got {type(output).__name__}"
        )
    if output.grad_fn is None:
        if output.requires_grad:
            raise ValueError(
                "output is a leaf tensor (you created it; no operation made it), so its graph "
                "is empty: draw a result computed from it, such as (output * 2).sum()"
            )
        raise ValueError(
            "output has no grad_fn, so autograd recorded no graph for it: compute it from a "
            "tensor created with requires_grad=True, outside torch.no_grad()"
        )
    return output


def _check_params(params: object) -> dict[str, torch.Tensor]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise TypeError(
            f"params must be a dict of name -> tensor, such as {{'w': w}}, "
            f"got {type(params).__name__}"
        )
    for name, value in params.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            raise TypeError(
                f"params must map names (str) to tensors, got {name!r}: {type(value).__name__}"
            )
    return params


def _check_flags(**flags: object) -> None:
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")


def _shape(tensor: torch.Tensor) -> str:
    return (
        "("
        + ", ".join(str(size) for size in tensor.shape)
        + ("," if tensor.ndim == 1 else "")
        + ")"
    )


def graph_text(output: torch.Tensor, params: dict[str, torch.Tensor] | None = None) -> str:
    """Return the autograd graph of ``output`` as an indented tree, root first.

    Each line is a backward node; its children are ``grad_fn.next_functions``. A leaf's
    ``AccumulateGrad`` node names the tensor (from ``params``) and its shape. A node reached a
    second time (the graph is a DAG, not a tree) is marked ``(shared, see above)``.

    >>> a = torch.tensor(2.0, requires_grad=True)
    >>> print(graph_text(a * a + a, params={"a": a}))
    AddBackward0
    ├── MulBackward0
    │   ├── AccumulateGrad -> a ()
    │   └── AccumulateGrad -> a () (shared, see above)
    └── AccumulateGrad -> a () (shared, see above)
    """
    output = _check_output(output)
    names = {id(tensor): name for name, tensor in _check_params(params).items()}
    seen: dict[int, object] = {}  # id -> node; holding the node keeps its id from being reused
    lines: list[str] = []

    def label(fn: object) -> str:
        text = type(fn).__name__
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):
            name = names.get(id(variable), "leaf")
            text += f" -> {name} {_shape(variable)}"
        return text

    def walk(fn: object, prefix: str, branch: str) -> None:
        shared = id(fn) in seen
        lines.append(prefix + branch + label(fn) + (" (shared, see above)" if shared else ""))
        if shared:
            return
        seen[id(fn)] = fn
        children = [child for child, _ in getattr(fn, "next_functions", ()) if child is not None]
        below = prefix + ("" if not branch else "    " if branch == "└── " else "│   ")
        for index, child in enumerate(children):
            walk(child, below, "└── " if index == len(children) - 1 else "├── ")

    walk(output.grad_fn, "", "")
    return "\n".join(lines)


def make_graph(
    output: torch.Tensor,
    params: dict[str, torch.Tensor] | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
) -> graphviz.Digraph:
    """Return torchviz's ``make_dot`` graph of ``output``, with stable node names.

    torchviz names nodes by the Python ``id`` of each object, which changes from run to run;
    here they are renamed ``n0``, ``n1``, ... in order of appearance, so the same computation
    gives the same Graphviz source (and picture) every time. Building the graph needs no
    ``dot`` program; rendering it (``.pipe(format="png")``) does.

    >>> w = torch.tensor([2.0], requires_grad=True)
    >>> graph = make_graph(w * 3, params={"w": w})
    >>> [line.strip() for line in graph.body if "->" in line]
    ['n2 -> n1', 'n3 -> n2', 'n1 -> n0']
    """
    output = _check_output(output)
    params = _check_params(params)
    _check_flags(show_attrs=show_attrs, show_saved=show_saved)
    from torchviz import make_dot

    with warnings.catch_warnings():  # torchviz compares versions with the deprecated distutils
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        graph = make_dot(output, params=params, show_attrs=show_attrs, show_saved=show_saved)
    renamed: dict[str, str] = {}

    def rename(match: re.Match) -> str:
        lead = match.group(1) or match.group(3)
        node = match.group(2) or match.group(4)
        return lead + renamed.setdefault(node, f"n{len(renamed)}")

    graph.body = [_NODE_ID.sub(rename, line) for line in graph.body]
    return graph


def show_graph(
    output: torch.Tensor,
    params: dict[str, torch.Tensor] | None = None,
    show_attrs: bool = False,
    show_saved: bool = False,
) -> object:
    """Return the graph of ``output`` ready to display in a notebook: a PNG picture
    (``IPython.display.Image``) drawn by Graphviz, or, when Graphviz's ``dot`` program is
    missing, a ``GraphText`` that says so and shows the same graph as text.

    >>> w = torch.tensor([2.0], requires_grad=True)
    >>> shown = show_graph(w * 3, params={"w": w})
    >>> type(shown).__name__ in ("Image", "GraphText")
    True
    """
    graph = make_graph(output, params, show_attrs=show_attrs, show_saved=show_saved)
    try:
        png = graph.pipe(format="png")
    except graphviz.ExecutableNotFound:
        reason = (
            "Graphviz's `dot` program was not found, so this graph is shown as text "
            "(root first; each node's children are the nodes it passes gradients to). "
            + INSTALL_HINT
        )
        return GraphText(graph_text(output, params), reason)
    from IPython.display import Image

    return Image(data=png, format="png")
