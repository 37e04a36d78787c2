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
