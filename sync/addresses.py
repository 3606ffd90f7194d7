"""Which platform addresses a kiosk may enrol with: https, or plain http only to this computer.

Over plain http the one-time code and the device token cross the network in clear, so the kiosk
refuses it (except with ``--insecure``) and the platform's enrolment sheet will not print such an
address.  Both sides ask this one function.
"""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1); False for anything else."""
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
