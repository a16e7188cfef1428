"""The register export format: column specs (tables), and validate() with its report."""

from archiver.schema.report import Problem, Report
from archiver.schema.validate import validate

__all__ = ["Problem", "Report", "validate"]
