"""oups: collections of ordered (time-series) Parquet datasets, pandas API.

The C++ core (``oups._oups``, pybind11) does all storage work; ``oups.store`` holds
the public API (user guide: docs/python.md; behaviour: docs/behaviour.md). The
package root re-exports the main names and defines ``__version__``.

Examples
--------
>>> import oups
>>> from oups import OrderedParquetDataset, Store, toplevel
>>> isinstance(oups.__version__, str)
True
"""

from ._oups import __version__
from .dataset import OrderedParquetDataset
from ._pandas import conform_cmidx
from .indexer import is_toplevel, sublevel, toplevel
from .store import Store

__all__ = ["__version__", "OrderedParquetDataset", "Store", "conform_cmidx", "is_toplevel",
           "sublevel", "toplevel"]
