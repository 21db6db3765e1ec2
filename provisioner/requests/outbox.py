"""The two e-mails of a request, sent after the change is committed: to the account's
administrators (someone asks), and to the requester (its request was handled). In the reader's
language (fr, de, it, en), as Keycloak's own e-mails are."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from provisioner.accounts.models import Person
from provisioner.accounts.outbox import account_queue
from provisioner.keycloak.gateway import KeycloakGateway
from provisioner.requests.models import AdminRequest
from provisioner.sync.models import OutboxItem
from provisioner.sync.outbox import handler, record

TELL_ADMINS = "tell_admins_of_request"
TELL_REQUESTER = "tell_requester_request_handled"

_ASKED = {
    "fr": (
        "{portal} : une demande au nom de {name} vous attend",
        "Bonjour,\n\nUne demande a été faite sur {portal} au nom de {name} (identifiant {username}, {email}) : "
        "cette personne ne parviendrait plus à se connecter et demande à un administrateur de son établissement "
        "de modifier son adresse e-mail et/ou de réinitialiser son mot de passe. Avant de changer l'adresse, "
        "vérifiez auprès de la personne, par un moyen que vous connaissez déjà, que la demande vient bien d'elle.\n\nTraitez la demande dans « Déclarants en attente de modification "
        "de mot de passe / adresse mail » :\n{url}\n\nSi l'adresse doit changer, modifiez-la d'abord : le lien "
        "de réinitialisation part ensuite à la nouvelle adresse. La demande expire le {expires}.\n",
    ),
    "de": (
        "{portal}: eine Anfrage von {name} wartet auf Sie",
        "Guten Tag\n\nBei {portal} wurde im Namen von {name} (Benutzername {username}, {email}) eine Anfrage "
        "gestellt: die Person könne sich nicht mehr anmelden und bitte, die E-Mail-Adresse zu ändern und/oder "
        "das Passwort zurückzusetzen. Prüfen Sie vor einer Adressänderung über einen Ihnen bekannten Weg, dass "
        "die Anfrage wirklich von ihr kommt.\n\nBearbeiten Sie die Anfrage hier:\n{url}\n\nÄndern Sie zuerst "
        "die Adresse, falls nötig: der Link zum Zurücksetzen geht dann an die neue Adresse. Die Anfrage "
        "läuft am {expires} ab.\n",
    ),
    "it": (
        "{portal}: una richiesta di {name} la attende",
        "Buongiorno,\n\nSu {portal} è stata fatta una richiesta a nome di {name} (nome utente {username}, {email}): "
        "la persona non riuscirebbe più ad accedere e chiede di modificare l'indirizzo e-mail e/o di reimpostare "
        "la password. Prima di cambiare l'indirizzo, verifichi con la persona, per un canale che già conosce, "
        "che la richiesta venga davvero da lei.\n\nGestisca la richiesta qui:\n{url}\n\nSe l'indirizzo deve cambiare, lo modifichi prima: il "
        "link di reimpostazione partirà poi verso il nuovo indirizzo. La richiesta scade il {expires}.\n",
    ),
    "en": (
        "{portal}: a request from {name} is waiting",
        "Hello,\n\nA request was made on {portal} in the name of {name} (login {username}, {email}): this "
        "person says they can no longer sign in and asks for the e-mail address to be changed and/or the "
        "password reset. Before changing the address, check with the person, by a channel you already know, "
        "that the request really comes from them.\n\n"
        "Handle the request here:\n{url}\n\nIf the address must change, change it first: the reset link then "
        "goes to the new address. The request expires on {expires}.\n",
    ),
}

_HANDLED = {
    "fr": (
        "{portal} : votre demande a été traitée",
        "Bonjour,\n\nUn administrateur de votre établissement a traité votre demande sur {portal} : {done}.\n",
        {
            "email": "votre adresse e-mail est désormais {email}",
            "reset": "un lien pour choisir un nouveau mot de passe vous est envoyé dans un autre message",
        },
    ),
    "de": (
        "{portal}: Ihre Anfrage wurde bearbeitet",
        "Guten Tag\n\nEine Administratorin oder ein Administrator Ihres Betriebs hat Ihre Anfrage bei {portal} bearbeitet: {done}.\n",
        {
            "email": "Ihre E-Mail-Adresse lautet jetzt {email}",
            "reset": "ein Link zum Wählen eines neuen Passworts kommt in einer separaten Nachricht",
        },
    ),
    "it": (
        "{portal}: la sua richiesta è stata gestita",
        "Buongiorno,\n\nUn amministratore della sua azienda ha gestito la sua richiesta su {portal}: {done}.\n",
        {
            "email": "il suo indirizzo e-mail è ora {email}",
            "reset": "un link per scegliere una nuova password le arriva in un altro messaggio",
        },
    ),
    "en": (
        "{portal}: your request was handled",
        "Hello,\n\nAn administrator of your establishment handled your request on {portal}: {done}.\n",
        {
            "email": "your e-mail address is now {email}",
            "reset": "a link to choose a new password comes in a separate message",
        },
    ),
}


def enqueue_admins_mail(
    session: Session, portal: str, request: AdminRequest, person: Person, to: list[tuple[str, str]], portal_name: str
) -> OutboxItem:
    """``to``: (address, language) of each administrator told."""
    payload = {
        "request": request.id,
        "principal": person.account.principal_id,
        "to": [list(pair) for pair in to],
        "name": f"{person.first_name} {person.last_name}",
        "username": person.username,
        "email": person.email,
        "expires": request.expires_at.strftime("%d/%m/%Y"),
        "portal": portal_name,
    }
    return record(session, portal, TELL_ADMINS, payload)


def enqueue_requester_mail(
    session: Session, portal: str, person: Person, *, changed: bool, reset: bool, portal_name: str
) -> OutboxItem:
    """After the account's own items (the address, the link): same queue, applied in order."""
    payload = {"to": person.email, "locale": person.locale, "changed": changed, "reset": reset, "portal": portal_name}
    return record(session, portal, TELL_REQUESTER, payload, queue=account_queue(person.account.principal_id))


@handler(TELL_ADMINS)
def _tell_admins(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.mail import send_mail

    session.commit()  # no transaction open while the mail leaves (the dev sink writes here)
    url = f"{gateway.settings.portal_url(gateway.realm)}/comptes/{payload['principal']}/demandes"
    for address, locale in payload["to"]:
        subject, body = _ASKED.get(locale, _ASKED["fr"])
        fields = {**payload, "url": url}
        send_mail(gateway.settings, address, subject.format(**fields), body.format(**fields))
    return [f"request {payload['request']}: {len(payload['to'])} administrator(s) told"]


@handler(TELL_REQUESTER)
def _tell_requester(session: Session, gateway: KeycloakGateway, payload: dict[str, Any]) -> list[str]:
    from provisioner.mail import send_mail

    session.commit()
    subject, body, parts = _HANDLED.get(payload["locale"], _HANDLED["fr"])
    done = [parts["email"].format(email=payload["to"])] if payload["changed"] else []
    done += [parts["reset"]] if payload["reset"] else []
    send_mail(
        gateway.settings,
        payload["to"],
        subject.format(portal=payload["portal"]),
        body.format(portal=payload["portal"], done="; ".join(done)),
    )
    return [f"requester {payload['to']}: told the request was handled"]
