"""Running service calls at the same instant from several threads, each with its own connection."""

import threading

from django.db import connection

from governance.errors import DomainError


def run_threads(targets):
    """Start every callable at once (a barrier); return ("ok", value), ("error", code) or ("crash", repr)."""
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def runner(i, fn):
        try:
            barrier.wait()
            outcomes[i] = ("ok", fn())
        except DomainError as error:
            outcomes[i] = ("error", error.code)
        except Exception as error:  # reported, so the assertion shows what went wrong
            outcomes[i] = ("crash", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes
