"""What `make run` prints once it is up: every portal, its address and its demo logins."""

from provisioner.demo.services import DemoLogin
from provisioner.devtools.runner import _banner
from provisioner.settings import Settings


def test_the_banner_lists_every_portal_with_its_address_and_logins() -> None:
    settings = Settings(dev_mode=True, public_url="http://localhost:5000")
    logins = [
        DemoLogin("gilbert@modelesa.ch", "Demo2026", "administrateur", "caisse-demo"),
        DemoLogin("asp1ent", "Demo2026", "titulaire", "portail-demo"),
    ]
    text = _banner(settings, logins)
    for realm in ("caisse-demo", "declarants-demo", "portail-demo"):
        assert f"Portal {realm}:" in text
    assert "http://caisse-demo.localhost:5000/demo-app/" in text
    assert "Administration      http://localhost:5000/" in text  # the default portal at the public URL
    caisse = text.split("Portal caisse-demo:")[1].split("Portal declarants-demo:")[0]
    assert "gilbert@modelesa.ch" in caisse and "asp1ent" not in caisse
    assert text.rstrip().endswith("Ctrl-C stops everything.")
