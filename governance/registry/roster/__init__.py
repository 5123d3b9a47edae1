"""Owner roster (业主名册) import and export in the .xlsx template format.

    from governance.registry.roster import roster_import, roster_export, roster_template
"""

from .exports import roster_export, roster_export_bytes, roster_template, roster_template_bytes
from .imports import ImportReport, roster_import
from .parse import Problem, read_roster

__all__ = [
    "ImportReport",
    "Problem",
    "read_roster",
    "roster_export",
    "roster_export_bytes",
    "roster_import",
    "roster_template",
    "roster_template_bytes",
]
