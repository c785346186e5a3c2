"""utils.graph: pictures with Graphviz's `dot`, the same graph as text without it, clear errors."""

import re
import shutil

import pytest
import torch

from utils import graph


@pytest.fixture
def linear():
    """y = w * x + b with named leaves, as chapter 03 draws it."""
    w = torch.tensor([2.0], requires_grad=True)
    x = torch.tensor([3.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    return w * x + b, {"w": w, "x": x, "b": b}


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """Hide every program from the kernel's PATH, as on a machine without Graphviz."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None


LINEAR_TREE = """\
AddBackward0
├── MulBackward0
│   ├── AccumulateGrad -> w (1,)
│   └── AccumulateGrad -> x (1,)
└── AccumulateGrad -> b (1,)"""


def test_text_walks_next_functions(linear):
    y, params = linear
    assert graph.graph_text(y, params) == LINEAR_TREE


def test_text_lists_every_node_of_a_hand_walk(linear):
    y, params = linear
    found, stack = [], [y.grad_fn]
    while stack:  # an independent walk of the same graph, depth first
        fn = stack.pop()
        found.append(type(fn).__name__)
        stack.extend(child for child, _ in reversed(fn.next_functions) if child is not None)
    names = [line.split("── ")[-1].split(" ->")[0] for line in LINEAR_TREE.splitlines()]
    assert names == found


def test_text_marks_shared_nodes_once():
    a = torch.tensor(2.0, requires_grad=True)
    shared = a.exp()
    text = graph.graph_text(shared * shared, {"a": a})
    assert text.splitlines() == [
        "MulBackward0",
        "├── ExpBackward0",
        "│   └── AccumulateGrad -> a ()",
        "└── ExpBackward0 (shared, see above)",
    ]


def test_unnamed_leaves_are_called_leaf():
    x = torch.ones(2, 3, requires_grad=True)
    assert graph.graph_text(x.sum()) == "SumBackward0\n└── AccumulateGrad -> leaf (2, 3)"


def test_make_graph_names_nodes_stably(linear):
    y, params = linear
    first = graph.make_graph(y, params).source
    w2, x2, b2 = (torch.tensor([v], requires_grad=True) for v in (2.0, 3.0, 1.0))
    second = graph.make_graph(w2 * x2 + b2, {"w": w2, "x": x2, "b": b2}).source
    assert first == second
    assert "n0 [label=" in first and str(id(params["w"])) not in first
    for name in "wxb":
        assert f'label="{name}\n (1)" fillcolor=lightblue' in first


def test_make_graph_passes_torchviz_options(linear):
    y, params = linear
    plain = graph.make_graph(y, params).source
    detailed = graph.make_graph(y, params, show_attrs=True, show_saved=True).source
    assert "alpha: 1" not in plain and "alpha: 1" in detailed
    assert "[saved tensor]" in detailed


@pytest.mark.skipif(not graph.has_dot(), reason="Graphviz's dot is not installed here")
def test_with_dot_the_graph_is_a_png_picture(linear):
    from IPython.display import Image

    y, params = linear
    shown = graph.show_graph(y, params)
    assert isinstance(shown, Image) and shown.format == "png"
    assert shown.data.startswith(b"\x89PNG")
    assert shown.data == graph.show_graph(y, params).data  # the same picture every time


def test_without_dot_the_graph_falls_back_to_text(linear, no_dot):
    y, params = linear
    assert not graph.has_dot()
    shown = graph.show_graph(y, params, show_attrs=True)
    assert isinstance(shown, graph.GraphText)
    assert shown.text == LINEAR_TREE
    assert "`dot` program was not found" in shown.reason
    assert "apt-get install graphviz" in shown.reason
    assert repr(shown) == shown.reason + "\n\n" + LINEAR_TREE


def test_without_dot_building_the_graph_still_works(linear, no_dot):
    y, params = linear
    assert "MulBackward0" in graph.make_graph(y, params).source


@pytest.mark.parametrize("function", [graph.graph_text, graph.make_graph, graph.show_graph])
def test_bad_output_is_rejected(function):
    with pytest.raises(TypeError, match="output must be a torch.Tensor .* got list"):
        function([1.0, 2.0])
    with pytest.raises(ValueError, match="output has no grad_fn.*requires_grad=True"):
        function(torch.ones(2) * 3)
    with pytest.raises(ValueError, match="output is a leaf tensor"):
        function(torch.ones(2, requires_grad=True))
    with torch.no_grad():
        inside = torch.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"outside torch\.no_grad\(\)"):
        function(inside)


@pytest.mark.parametrize(
    "params, message",
    [
        ([1], "params must be a dict of name -> tensor.*got list"),
        ({"w": 2.0}, "params must map names \\(str\\) to tensors, got 'w': float"),
    ],
)
def test_bad_params_are_rejected(linear, params, message):
    y, _ = linear
    with pytest.raises(TypeError, match=message):
        graph.graph_text(y, params)


@pytest.mark.parametrize("flag", ["show_attrs", "show_saved"])
@pytest.mark.parametrize("value", ["yes", 1, None])
def test_flags_must_be_booleans(flag, value):
    w = torch.tensor([2.0], requires_grad=True)
    for draw in (graph.make_graph, graph.show_graph):
        with pytest.raises(TypeError, match=f"{flag} must be True or False, got {value!r}"):
            draw(w * 2, **{flag: value})


def test_mul_saves_its_inputs_and_add_saves_no_tensor(linear):
    # chapter 03: "the multiplication saves both of its inputs ... the addition saves no tensor"
    y, params = linear
    mul = y.grad_fn.next_functions[0][0]
    assert mul._saved_self is params["w"] and mul._saved_other is params["x"]
    assert [name for name in dir(y.grad_fn) if name.startswith("_saved")] == ["_saved_alpha"]
    detailed = graph.make_graph(y, params=params, show_attrs=True, show_saved=True).source
    assert "alpha: 1" in detailed and "[saved tensor]" in detailed


def test_backward_frees_the_saved_tensors():
    # chapter 03: "a graph can be walked only once: backward() freed the tensors it saved"
    w = torch.tensor([2.0], requires_grad=True)
    z = w * w
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()


def test_torchviz_arrows_run_from_the_leaves_to_the_output(linear):
    # chapter 03: "the arrows follow the forward computation ... the last one enters the output"
    y, params = linear
    source = graph.make_graph(y, params=params).source
    arrows = [line.strip() for line in source.splitlines() if "->" in line]
    labels = dict(re.findall(r"^\s*(n\d+) \[label=\"?([^\s\"\]]+)", source, re.M))
    assert arrows[-1] == "n1 -> n0" and labels["n1"] == "AddBackward0"
    leaf_arrows = [a for a in arrows if labels.get(a.split(" -> ")[0]) in params]
    assert len(leaf_arrows) == 3
    assert all(labels[a.split(" -> ")[1]] == "AccumulateGrad" for a in leaf_arrows)
