from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from closedset.accounts.models import User
from closedset.conftest import without_tokens
from closedset.lib.errors import Conflict, Forbidden, NotFound
from closedset.productions import services
from closedset.productions.models import Invitation, Membership


def _invite(world, email="newperson@example.org", role="performer"):
    return services.invite(world.petra, world.production, email=email, role=role)


def test_the_producer_invites_and_only_a_hash_is_stored(world):
    invitation, key = _invite(world)
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    assert key not in invitation.token_hash
    stored = Invitation.objects.get(pk=invitation.pk)
    assert len(stored.token_hash) == 64


def test_the_coordinator_invites_performers_and_only_performers(world):
    invitation, _ = services.invite(
        world.ines, world.production, email="x@example.org", role="performer"
    )
    assert invitation.invited_by == world.ines
    # The crew she must be independent of, and the records, are the producer's to staff.
    for role in ("director", "producer", "custodian", "coordinator"):
        with pytest.raises(Forbidden):
            services.invite(world.ines, world.production, email="y@example.org", role=role)
    assert services.invitable_roles(world.ines, world.production) == ["performer"]
    assert len(services.invitable_roles(world.petra, world.production)) == 5


def test_nobody_else_may_invite(world):
    for who in ("dario", "mara", "cora"):
        with pytest.raises(Forbidden):
            services.invite(
                world.users[who], world.production, email="x@example.org", role="performer"
            )


def test_the_coordinator_sees_and_withdraws_only_performers_invitations(world):
    to_perform, _ = services.invite(
        world.petra, world.production, email="p@example.org", role="performer"
    )
    to_direct, _ = services.invite(
        world.petra, world.production, email="d@example.org", role="director"
    )
    assert services.open_invitations(world.ines, world.production) == [to_perform]
    assert set(services.open_invitations(world.petra, world.production)) == {
        to_perform,
        to_direct,
    }
    with pytest.raises(NotFound):
        services.revoke_invitation(world.ines, world.production, to_direct.pk)
    with pytest.raises(NotFound):
        services.resend_invitation(world.ines, world.production, to_direct.pk, link_for=str)
    services.revoke_invitation(world.ines, world.production, to_perform.pk)
    to_perform.refresh_from_db()
    assert to_perform.revoked_at is not None


def test_a_coordinator_who_also_directs_may_not_invite(world):
    """Without a one-person crew her coordinator role lapses, and with it her invitations."""
    Membership.objects.create(user=world.ines, production=world.production, role="director")
    with pytest.raises(Forbidden):
        services.invite(world.ines, world.production, email="x@example.org", role="performer")


def test_accepting_creates_the_account_and_membership(world, client, persona_password):
    _, key = _invite(world)
    url = reverse("productions:invitation", args=[key])
    assert "Harbour Lights" in client.get(url).content.decode()
    response = client.post(
        url, {"display_name": "Nell", "handle": "nell", "password": persona_password}
    )
    assert response.status_code == 302
    nell = User.objects.get(handle="nell")
    assert services.role_in(nell, world.production) == {"performer"}
    assert client.get(reverse("productions:home")).status_code == 200


def test_a_link_works_once(world, client, persona_password):
    _, key = _invite(world)
    url = reverse("productions:invitation", args=[key])
    client.post(url, {"display_name": "Nell", "handle": "nell", "password": persona_password})
    again = type(client)().get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_link_is_refused(world, client):
    invitation, key = _invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("productions:invitation", args=[key]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_tampered_link_is_not_found(world, client):
    _, key = _invite(world)
    tampered = key[:-2] + ("AA" if key[-2:] != "AA" else "BB")
    assert client.get(reverse("productions:invitation", args=[tampered])).status_code == 404
    assert client.get(reverse("productions:invitation", args=["nonsense"])).status_code == 404


def test_a_link_for_another_invitation_does_not_open_this_one(world, client):
    # A validly signed key whose token belongs to nothing stored.
    from django.core import signing

    invitation, _ = _invite(world)
    forged = signing.dumps(
        {"i": invitation.pk, "t": "guess"}, salt=services.INVITATION_SALT, compress=True
    )
    assert client.get(reverse("productions:invitation", args=[forged])).status_code == 404


def test_bad_account_details_are_field_errors_and_nothing_is_created(world, client):
    _, key = _invite(world)
    response = client.post(
        reverse("productions:invitation", args=[key]),
        {"display_name": "Nell", "handle": "Not Valid", "password": "short"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "lower-case" in body
    assert "Nell" in body  # what was typed is kept
    assert not User.objects.filter(email="newperson@example.org").exists()


def test_an_existing_person_accepts_while_logged_in(world, client_as):
    _, key = _invite(world, email="jonas@example.org", role="director")
    client = client_as("jonas")
    response = client.post(reverse("productions:invitation", args=[key]))
    assert response.status_code == 302
    assert services.role_in(world.jonas, world.production) == {"performer", "director"}


def test_someone_else_cannot_use_a_link_sent_to_another_address(world, client_as):
    _, key = _invite(world, email="newperson@example.org")
    response = client_as("mara").post(reverse("productions:invitation", args=[key]))
    assert response.status_code == 403
    assert not Membership.objects.filter(user=world.mara, role="director").exists()
    assert Invitation.objects.get().accepted_at is None


def test_someone_with_an_account_is_asked_to_log_in_first(world, client, persona_password):
    _, key = _invite(world, email="jonas@example.org", role="director")
    url = reverse("productions:invitation", args=[key])
    page = client.get(url).content.decode()
    assert "already have an account" in page
    assert 'name="password"' not in page
    response = client.post(
        reverse("accounts:login") + f"?next={url}",
        {"username": "jonas@example.org", "password": persona_password, "next": url},
    )
    assert response["Location"] == url
    client.post(url)
    assert services.role_in(world.jonas, world.production) == {"performer", "director"}


# --- by e-mail: the inviter never sees the link -------------------------------------------

LINK = re.compile(r"https?://[^/\s]+(/invite/[^/\s]+/)")


def _send(client, world, email, role="performer"):
    url = reverse("productions:invitations", args=[world.production.pk])
    return client.post(url, {"email": email, "role": role})


def _link(mail) -> str:
    found = LINK.search(mail.body)
    assert found, mail.body
    return found.group(1)


def test_the_link_goes_to_the_address_and_works_from_the_mail(
    world, client_as, client, mailoutbox, persona_password
):
    response = _send(client_as("petra"), world, "nell@example.org")
    assert response.status_code == 302
    [mail] = mailoutbox
    assert mail.to == ["nell@example.org"]
    assert "Harbour Lights" in mail.subject and "Petra" in mail.body and "Performer" in mail.body
    path = _link(mail)
    assert path.split("/")[2] not in client_as("petra").get(response["Location"]).content.decode()
    accepted = client.post(
        path, {"display_name": "Nell", "handle": "nell", "password": persona_password}
    )
    assert accepted.status_code == 302
    assert services.role_in(User.objects.get(handle="nell"), world.production) == {"performer"}


def _normalised(response, emails: tuple[str, ...]) -> tuple[int, str, str]:
    text = response.content.decode()
    text = without_tokens(text)
    text = re.sub(r"/invitations/\d+/", "/invitations/ID/", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "DATE", text)
    for email in emails:
        text = text.replace(email, "ADDRESS")
    return response.status_code, response.get("Location", ""), text


def test_the_page_answers_alike_whether_or_not_the_address_has_an_account(world, client_as):
    # Oscar has an account (not in this production); nobody has the other address.
    client = client_as("petra")
    seen = []
    for email in ("oscar@example.org", "nobody-yet@example.org"):
        posted = _send(client, world, email)
        page = client.get(posted["Location"])
        seen.append((_normalised(posted, (email,)), _normalised(page, (email,))))
        Invitation.objects.filter(email=email).update(revoked_at=timezone.now())
    assert seen[0] == seen[1]
    assert seen[0][1][0] == 200 and "Invitation sent to ADDRESS." in seen[0][1][2]


def test_the_api_answers_alike_whether_or_not_the_address_has_an_account(world, client_as):
    client = client_as("petra")
    url = f"/api/v1/productions/{world.production.pk}/invitations"
    bodies = []
    for email in ("oscar@example.org", "nobody-yet@example.org"):
        response = client.post(url, {"email": email, "role": "director"}, "application/json")
        assert response.status_code == 201
        body = response.json()
        bodies.append(sorted(k for k in body) + [body["email"] == email, body["role"]])
    assert bodies[0] == bodies[1]


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(
    world, client_as, client, mailoutbox
):
    petra = client_as("petra")
    _send(petra, world, "nell@example.org")
    invitation = Invitation.objects.get()
    resend = reverse("productions:invitation_resend", args=[world.production.pk, invitation.pk])
    assert client_as("dario").post(resend).status_code == 403
    assert petra.post(resend).status_code == 302
    first, second = (_link(mail) for mail in mailoutbox)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_sending_again_through_the_api(world, client_as, mailoutbox):
    invitation = services.invite_by_email(
        world.petra,
        world.production,
        email="nell@example.org",
        role="performer",
        link_for=lambda key: f"https://closedset.test/invite/{key}/",
    )
    url = f"/api/v1/productions/{world.production.pk}/invitations/{invitation.pk}/resend"
    response = client_as("petra").post(url)
    assert response.status_code == 200
    assert set(response.json()) == {"id", "email", "role", "expires_at"}
    assert len(mailoutbox) == 2 and _link(mailoutbox[0]) != _link(mailoutbox[1])


def test_a_withdrawn_or_accepted_invitation_is_not_sent_again(world, mailoutbox):
    invitation, key = _invite(world, email="jonas@example.org", role="director")
    services.accept_invitation(key, world.jonas)
    with pytest.raises(Conflict):
        services.resend_invitation(
            world.petra, world.production, invitation.pk, link_for=lambda key: key
        )
    other, _ = _invite(world)
    services.revoke_invitation(world.petra, world.production, other.pk)
    with pytest.raises(Conflict):
        services.resend_invitation(world.petra, world.production, other.pk, link_for=str)
    assert mailoutbox == []


def test_when_the_mail_cannot_be_sent_no_invitation_is_left(world, client_as, monkeypatch):
    import smtplib

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    from closedset.accounts import services as accounts

    monkeypatch.setattr(accounts, "send_mail", refuse)
    response = _send(client_as("petra"), world, "nell@example.org")
    assert response.status_code == 503
    assert "could not be sent" in response.content.decode()
    assert not Invitation.objects.exists()


def test_accepting_the_mailed_link_confirms_the_address(world, client, persona_password):
    _, key = _invite(world)
    client.post(
        reverse("productions:invitation", args=[key]),
        {"display_name": "Nell", "handle": "nell", "password": persona_password},
    )
    assert User.objects.get(handle="nell").email_verified_at is not None


def test_the_coordinator_invites_a_performer_through_the_api_but_not_a_director(
    world, client_as, mailoutbox
):
    url = f"/api/v1/productions/{world.production.pk}/invitations"
    ines = client_as("ines")
    refused = ines.post(
        url, {"email": "d@example.org", "role": "director"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "the producer invites the crew" in refused.json()["detail"]
    assert not Invitation.objects.exists() and not mailoutbox
    sent = ines.post(
        url, {"email": "p@example.org", "role": "performer"}, content_type="application/json"
    )
    assert sent.status_code == 201 and sent.json()["role"] == "performer"
    assert [item["email"] for item in ines.get(url).json()] == ["p@example.org"]
