"""Active Directory: domains and trusts, and constrained delegation on computer accounts (msDS-AllowedToDelegateTo).

Kerberos live migration outside a cluster needs the source host's account trusted for delegation to the
destination for two services: ``cifs`` and ``Microsoft Virtual System Migration Service`` (reference §2).
"""
from __future__ import annotations

from engine.errors import LabError
from engine.hyperv.caller import Caller, CallerMixin, operation
from engine.hyperv.catalogue import error
from engine.hyperv.state import Host, World

MIGRATION_SERVICES = ("cifs", "Microsoft Virtual System Migration Service")


def trusted(world: World, a: Host, b: Host) -> bool:
    """True when both hosts are domain members and their domains are the same or trust each other."""
    if a.domain is None or b.domain is None:
        return False
    da, db = a.domain.lower(), b.domain.lower()
    trusts = {k.lower(): {t.lower() for t in v} for k, v in world.domains.items()}
    return da == db or db in trusts.get(da, set()) or da in trusts.get(db, set())


def delegates_to(world: World, source: Host, destination: Host, service: str) -> bool:
    """True when ``source``'s account may delegate ``service`` to ``destination`` (short or FQDN SPN)."""
    names = {destination.name.lower()}
    if destination.domain:
        names.add(f"{destination.name}.{destination.domain}".lower())
    spns = {s.lower() for s in world.delegation.get(source.name, [])}
    return any(f"{service}/{n}".lower() in spns for n in names)


class ADMixin(CallerMixin):
    """Delegation operations of :class:`engine.hyperv.lab.Lab` (Active Directory Users and Computers)."""

    def _computer(self, computer: str) -> Host:
        try:
            host = self.world.host(computer.rstrip("$"))
        except LabError:
            host = None
        if host is None or host.domain is None:
            # The search base is the lab's (first) domain, as Get-ADComputer run on a member would use.
            domain = next((h.domain for h in self.world.hosts if h.domain), None) or "local"
            base = ",".join(f"DC={part}" for part in domain.split("."))
            raise error("ad.computer_not_found", target=computer, name=computer, base=base) from None
        return host

    @operation("Set-ADComputer")
    def set_delegation(self, computer: str, services: list[str], *, caller: Caller | None = None) -> list[str]:
        """Replace ``computer``'s msDS-AllowedToDelegateTo with ``services`` (SPNs such as ``cifs/HV2``)."""
        host = self._computer(computer)
        self.world.delegation[host.name] = list(dict.fromkeys(services))
        return self.delegation_of(host.name)

    @operation("Set-ADComputer")
    def add_delegation(self, computer: str, services: list[str], *, caller: Caller | None = None) -> list[str]:
        """Add SPNs to ``computer``'s msDS-AllowedToDelegateTo (duplicates ignored)."""
        host = self._computer(computer)
        current = self.world.delegation.get(host.name, [])
        self.world.delegation[host.name] = list(dict.fromkeys(current + list(services)))
        return self.delegation_of(host.name)

    @operation("Set-ADComputer")
    def remove_delegation(self, computer: str, services: list[str] | None = None, *,
                          caller: Caller | None = None) -> list[str]:
        """Remove SPNs (all when ``services`` is None, or every SPN of a bare service name like ``cifs``)."""
        host = self._computer(computer)
        drop = [s.lower() for s in services] if services is not None else None
        kept = [s for s in self.world.delegation.get(host.name, [])
                if drop is not None and s.lower() not in drop and s.split("/")[0].lower() not in drop]
        self.world.delegation[host.name] = kept
        return self.delegation_of(host.name)

    @operation("Get-ADComputer")
    def delegation_of(self, computer: str) -> list[str]:
        """``computer``'s msDS-AllowedToDelegateTo."""
        return list(self.world.delegation.get(self._computer(computer).name, []))
