"""The claim audit (claims/README.md): every chapter has its file, and every proof it names
still exists, either as code in one of the chapter's code cells or as a test function."""

import re

import nbformat
import pytest

from tools import nbtools

CLAIMS_DIR = nbtools.ROOT / "claims"
ROW = re.compile(r"^\|(?P<claim>.+)\|(?P<proof>[^|]+)\|\s*$")
TEST_REF = re.compile(r"^`?(tests/[\w/]+\.py)::(\w+)`?$")


def claim_rows(path):
    """The (claim, proof) rows of a claims file, without the header and separator rows."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if not match or set(match["proof"].strip()) <= set("-: "):
            continue
        claim, proof = match["claim"].strip(), match["proof"].strip()
        if (claim, proof) != ("claim", "proof"):
            rows.append((claim, proof))
    return rows


def proof_problem(proof, code):
    """Why ``proof`` does not hold for a chapter whose code cells are ``code`` (None if it does)."""
    test = TEST_REF.match(proof)
    if test:
        file = nbtools.ROOT / test[1]
        if not file.is_file() or f"def {test[2]}(" not in file.read_text(encoding="utf-8"):
            return f"no test {test[2]} in {test[1]}"
        return None
    if not (proof.startswith("`") and proof.endswith("`")) or len(proof) < 3:
        return f"a proof must be `code` or tests/FILE.py::test_name, got {proof!r}"
    snippet = proof[1:-1].replace("\\|", "|")
    return None if snippet in code else f"no code cell contains {snippet!r}"


@pytest.mark.parametrize("path", nbtools.chapter_paths(), ids=lambda p: p.stem)
def test_every_claim_of_the_chapter_names_a_proof_that_exists(path):
    claims = CLAIMS_DIR / f"{path.stem}.md"
    assert claims.is_file(), (
        f"{path.name} has no claim audit: write {claims.relative_to(nbtools.ROOT)}"
    )
    rows = claim_rows(claims)
    assert len(rows) >= 5, f"{claims.name} lists {len(rows)} claims; a chapter makes more"
    code = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"
    )
    problems = [
        f"{claim[:60]!r}: {problem}"
        for claim, proof in rows
        if (problem := proof_problem(proof, code))
    ]
    assert not problems, "\n".join(problems)


def test_a_missing_proof_is_found(tmp_path):
    assert proof_problem("`torch.arange(0, 5)`", "x = torch.arange(0, 5)") is None
    assert "no code cell contains" in proof_problem("`torch.arange(0, 6)`", "torch.arange(0, 5)")
    assert proof_problem("tests/test_claims.py::test_a_missing_proof_is_found", "") is None
    assert "no test nothing_here" in proof_problem("tests/test_claims.py::nothing_here", "")
    assert "a proof must be" in proof_problem("see the cell above", "")
    (tmp_path / "x.md").write_text("| claim | proof |\n|---|---|\n| a | `b` |\n")
    assert claim_rows(tmp_path / "x.md") == [("a", "`b`")]
