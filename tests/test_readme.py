"""Every ```python block of the README runs, in order, as one module (so `relax` finds its source)."""
import pathlib
import re
import runpy


def test_readme_examples_run(tmp_path):
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 4
    script = tmp_path / "readme_examples.py"
    script.write_text("\n".join(blocks))
    runpy.run_path(str(script), run_name="readme_examples")


def test_readme_generated_source_listing_is_current(tmp_path):
    """The abridged `.source` the README prints: every shown line appears, in order, in the real one."""
    import relaxjax
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    listing = re.search(r"prints \(abridged\)\n\n```\n(.*?)```", readme, flags=re.S).group(1)
    example = re.findall(r"```python\n(.*?)```", readme, flags=re.S)[0]
    script = tmp_path / "readme_bubble.py"
    script.write_text(example.split("relaxed = relax")[0])
    actual = relaxjax.relax(runpy.run_path(str(script))["bubble_sort"]).source.splitlines()
    position = 0
    for line in listing.splitlines():
        if line.strip() in ("", "..."):
            continue
        assert line in actual[position:], line
        position = actual.index(line, position) + 1
