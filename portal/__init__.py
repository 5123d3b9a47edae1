# Models (routable pages) and URL modules use the `<id:...>` converter; it is registered before either loads.
from portal import params  # noqa: F401
