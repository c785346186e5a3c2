"""utils.version: a cell that needs a newer torch says so in one line; bad arguments are named."""

import pytest

from utils import version


def test_an_older_install_prints_one_line_and_skips(capsys):
    assert not version.has_version("2.9.1", "2.10", "nn.XLoss")
    assert capsys.readouterr().out.startswith("⏭ nn.XLoss needs torch 2.10 or newer")
    assert version.has_version("2.10.0+cu128", "2.10", "nn.XLoss")
    assert version.has_torch("2.0", "torch.compile")


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((None, "2.0", "x"), TypeError, "installed must be a version string"),
        (("2.9", 2.1, "x"), TypeError, r"needed must be a version string .* 2.10 as a number"),
        (("2.9", "abc", "x"), ValueError, "needed must look like '2.10'"),
        (("2.9", "2.0", None), TypeError, "what must name the API"),
        (("2.9", "2.0", "x", 3), TypeError, "package must name the package"),
    ],
)
def test_bad_arguments_are_named(args, error, message):
    with pytest.raises(error, match=message):
        version.has_version(*args)
