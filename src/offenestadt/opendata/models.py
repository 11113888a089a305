"""Open data's models, gathered so that Django registers them under the app label ``opendata``.

The catalogue (datasets and their distributions), each dataset's stored part of the DCAT
catalogue, the check of public files for personal data and the publication pipeline's raw
uploads each define their models in their own module.
"""

from offenestadt.opendata.catalogue.models import Dataset, DatasetTheme, Distribution, Keyword
from offenestadt.opendata.dcat.models import CatalogueFragment
from offenestadt.opendata.filescan.models import FileScan
from offenestadt.opendata.pipeline.models import (
    RawUpload,
    _private_storage,  # migration 0001 names the raw files' storage by this path
)

__all__ = [
    "CatalogueFragment",
    "Dataset",
    "DatasetTheme",
    "Distribution",
    "FileScan",
    "Keyword",
    "RawUpload",
    "_private_storage",
]
