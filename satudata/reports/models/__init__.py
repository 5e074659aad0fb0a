"""The reports app's tables: usage events and their daily rollups (``usage``), KPI targets
(``kpi``) and the periodic dissemination reports (``report``)."""

from satudata.reports.models.kpi import *  # noqa: F403
from satudata.reports.models.kpi import __all__ as _kpi
from satudata.reports.models.report import *  # noqa: F403
from satudata.reports.models.report import __all__ as _report
from satudata.reports.models.usage import *  # noqa: F403
from satudata.reports.models.usage import __all__ as _usage

__all__ = [*_usage, *_kpi, *_report]
