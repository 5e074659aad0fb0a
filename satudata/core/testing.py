"""Personas shared by every test: one of each role, two producers of different agencies."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import TestCase

from satudata.accounts.models import Agency, AgencyKind, Membership, User
from satudata.accounts.roles import Role
from satudata.regions.importer import BUILTIN_PRINGSEWU, import_regions
from satudata.sop.services import load_sop

PASSWORD = "sandi-uji-yang-panjang-1"  # noqa: S105 (test personas only)


@dataclass
class Personas:
    walidata_agency: Agency
    agency: Agency
    other_agency: Agency
    bps: Agency
    producer: User
    other_producer: User
    walidata: User
    kepala_bidang: User
    kepala_dinas: User
    pembina: User
    admin: User

    def by_role(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "producer": self.producer,
            "other_producer": self.other_producer,
            "walidata": self.walidata,
            "kepala_bidang": self.kepala_bidang,
            "kepala_dinas": self.kepala_dinas,
            "pembina": self.pembina,
            "admin": self.admin,
        }


def _agency(name: str, short: str, slug: str, kind: str = AgencyKind.DINAS, **kw: object) -> Agency:
    return Agency.objects.create(name=name, short_name=short, slug=slug, kind=kind, **kw)


def _user(username: str, role: Role, agency: Agency, **kw: object) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        full_name=username.replace(".", " ").title(),
        email=f"{username}@contoh.invalid",
        role=role,
        **kw,
    )
    Membership.objects.create(user=user, agency=agency)
    return user


def make_personas() -> Personas:
    kominfo = _agency(
        "Dinas Komunikasi dan Informatika", "Diskominfo", "diskominfo", is_walidata=True
    )
    dinkes = _agency("Dinas Kesehatan", "Dinkes", "dinkes")
    disdik = _agency("Dinas Pendidikan dan Kebudayaan", "Disdikbud", "disdikbud")
    bps = _agency("Badan Pusat Statistik", "BPS", "bps", kind=AgencyKind.INSTANSI_VERTIKAL)
    return Personas(
        walidata_agency=kominfo,
        agency=dinkes,
        other_agency=disdik,
        bps=bps,
        producer=_user("budi.dinkes", Role.PRODUSEN, dinkes),
        other_producer=_user("maya.disdik", Role.PRODUSEN, disdik),
        walidata=_user("rina.walidata", Role.WALIDATA, kominfo),
        kepala_bidang=_user("hendra.kabid", Role.KEPALA_BIDANG, kominfo),
        kepala_dinas=_user("sri.kadis", Role.KEPALA_DINAS, kominfo),
        pembina=_user("yusuf.bps", Role.PEMBINA, bps),
        admin=_user("admin", Role.ADMINISTRATOR, kominfo, is_superuser=True),
    )


def load_reference_data() -> None:
    """The SOP and the Pringsewu regions, as a test database needs them."""
    import_regions(BUILTIN_PRINGSEWU)
    load_sop()


class PersonaTestCase(TestCase):
    """A TestCase with the personas and the SOP and region reference data loaded once."""

    p: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = make_personas()
        load_reference_data()
