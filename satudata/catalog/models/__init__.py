"""SOP activity 1's records, one module per kind: the Daftar Data (``daftar``), statistical
metadata (``metadata``), datasets with their uploads and versions (``datasets``) and nota dinas
letters (``letters``). Every model is importable from here, as Django and migrations expect."""

from __future__ import annotations

from satudata.catalog.models.daftar import (
    Access,
    DataItem,
    DataList,
    DataListQuerySet,
    DataListStatus,
    Frequency,
    PresentationLevel,
)
from satudata.catalog.models.datasets import (
    LICENSE_URLS,
    CatalogStamp,
    Dataset,
    DatasetQuerySet,
    DatasetVersion,
    DatasetVersionQuerySet,
    License,
    Tag,
    Topic,
    Upload,
    UploadStatus,
    _sector_choices,
)
from satudata.catalog.models.letters import (
    Letter,
    LetterQuerySet,
    LetterSequence,
)
from satudata.catalog.models.metadata import (
    RULE_KINDS,
    Activity,
    CodeValue,
    DataType,
    Indicator,
    MetadataKind,
    MetadataQuerySet,
    MetadataReview,
    ReviewDecision,
    Reviewed,
    ReviewStatus,
    Variable,
)

__all__ = [
    "LICENSE_URLS",
    "RULE_KINDS",
    "Access",
    "Activity",
    "CatalogStamp",
    "CodeValue",
    "DataItem",
    "DataList",
    "DataListQuerySet",
    "DataListStatus",
    "DataType",
    "Dataset",
    "DatasetQuerySet",
    "DatasetVersion",
    "DatasetVersionQuerySet",
    "Frequency",
    "Indicator",
    "Letter",
    "LetterQuerySet",
    "LetterSequence",
    "License",
    "MetadataKind",
    "MetadataQuerySet",
    "MetadataReview",
    "PresentationLevel",
    "ReviewDecision",
    "ReviewStatus",
    "Reviewed",
    "Tag",
    "Topic",
    "Upload",
    "UploadStatus",
    "Variable",
    "_sector_choices",
]
