"""A stored file name with a newline or control character is downloaded under a
clean name, never a 500 (Content-Disposition cannot hold a newline)."""

import pytest

from django.core.files.base import ContentFile

from core.text import download_name
from programs.models import EvidenceKind, InterventionEvidence

pytestmark = pytest.mark.django_db


def test_download_name_is_one_clean_line():
    assert download_name("notulen\r\nSet-Cookie: x=1.pdf") == "notulen Set-Cookie: x=1.pdf"
    assert download_name("a\x00b.pdf") == "a\ufffdb.pdf"
    assert download_name("\x0b") == "\ufffd"
    assert download_name("") == "berkas"


def test_evidence_with_a_hostile_stored_name_downloads(world, client_for, lebak_coordinator):
    evidence = InterventionEvidence(
        intervention=world.interventions["36.02"], kind=EvidenceKind.MINUTES,
        original_name="berita\nacara\x0b.pdf", content_type="application/pdf", size=9,
        uploaded_by=lebak_coordinator,
    )
    evidence.file.save("bukti.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    response = client_for(lebak_coordinator).get(f"/intervensi/bukti/{evidence.pk}/")
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
