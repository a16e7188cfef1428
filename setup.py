"""Build step: report_templates/ (the source of truth) ships inside the package.

The wheel gets a copy at archiver/report_templates/, where render/fetcher.py looks first;
an editable install and the source tree use report_templates/ itself. Everything else is
declared in pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "report_templates"


class BuildWithTemplates(build_py):
    """build_py that also copies every file of report_templates/ into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads report_templates/ in place
        target = Path(self.build_lib) / "archiver" / "report_templates"
        for path in sorted(TEMPLATES.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                destination = target / path.relative_to(TEMPLATES)
                self.mkpath(str(destination.parent))
                self.copy_file(str(path), str(destination))


setup(cmdclass={"build_py": BuildWithTemplates})
