"""Alerts end to end: real SMTP (aiosmtpd) and a real webhook receiver on 127.0.0.1, real SQLite."""
from __future__ import annotations

import json
import ssl

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from alerts import evaluate_and_send
from alerts.webhook import webhook_format
from storage.alerts_repo import AlertsRepo
from storage.store import open_store
from tests.loopback import Response
from tests.test_alerts_support import Inbox, SmtpServer, add_mention, fixed_now, free_port, hours, make_config, set_response

NOW = fixed_now()
ANGRY = "Lekarz w <b>Klinika Zdrowie</b> zignorował mnie & kazał czekać 3 godziny. Idę do prasy!"


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hook(loopback):
    loopback.routes["/hook"] = lambda request: Response(200, b"ok")
    return loopback


def _store(config):
    return open_store(config.store_target)


def _bodies(message):
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return plain, html


def test_urgent_mention_alerts_once_in_polish_by_email_and_webhook(tmp_path, smtp, hook, store_target):
    config = make_config(
        tmp_path, store_target=store_target, email_to=["kierownik@klinika.pl"], smtp_port=smtp.port, webhooks=[hook.url("/hook")], language="pl"
    )
    store = _store(config)
    urgent_id = add_mention(store, "u1", ANGRY, published=NOW - hours(1), urgency=0.9, reasons=["press"])
    add_mention(store, "calm", "Miła obsługa, polecam.", published=NOW - hours(1), kind="praise",
                sentiment="positive", urgency=0.1)

    first = evaluate_and_send(config, store, now=NOW)
    second = evaluate_and_send(config, store, now=NOW + hours(0.5))

    assert (first.recorded, first.sent, first.failed) == (2, 2, 0)
    assert (second.recorded, second.sent) == (0, 0)
    assert len(smtp.inbox.messages) == 1 and len(hook.requests_to("/hook")) == 1
    message = smtp.inbox.messages[0]
    assert message["To"] == "kierownik@klinika.pl"
    assert "Pilna wzmianka" in message["Subject"] and "forum-a" in message["Subject"]
    plain, html = _bodies(message)
    assert ANGRY in plain and "Pilność: 0.90" in plain and "Powody: prasa" in plain and "Rodzaj: skarga" in plain
    assert "https://forum.example/u1" in plain
    # Mention text is plain text: in the HTML part it is escaped, never markup.
    assert "&lt;b&gt;Klinika Zdrowie&lt;/b&gt;" in html and "<b>Klinika" not in html
    assert "Wysłane przez ClinicWatch dla: Klinika Zdrowie." in plain

    posted = json.loads(hook.requests_to("/hook")[0].body)
    assert posted["text"].startswith("[ClinicWatch] Pilna wzmianka")
    assert "&lt;b&gt;" in posted["text"]  # Slack markup characters escaped
    assert any(block.get("text", {}).get("text") == ANGRY for block in posted["blocks"])
    rows = AlertsRepo(store).alerts()
    assert {row["rule"] for row in rows} == {"urgent"}
    assert all(row["delivered_at"] and row["attempts"] == 1 for row in rows)
    assert all(row["payload"]["data"]["id"] == urgent_id for row in rows)
    assert not any("/hook" in row["channel"] for row in rows)  # webhook URLs carry secrets; only a hash is kept


def test_each_recipient_gets_their_own_language(tmp_path, smtp):
    config = make_config(
        tmp_path,
        email_to=["ania@klinika.pl", "marco@clinica.it", "john@clinic.com"],
        recipient_languages={"marco@clinica.it": "it", "ania@klinika.pl": "pl"},
        smtp_port=smtp.port,
    )
    store = _store(config)
    add_mention(store, "h1", "Po wizycie dostałem wysypki i duszności", published=NOW - hours(1),
                urgency=0.95, reasons=["health_risk"])
    evaluate_and_send(config, store, now=NOW)
    subjects = {rcpt[0]: msg["Subject"] for rcpt, msg in zip(smtp.inbox.recipients, smtp.inbox.messages)}
    assert subjects["ania@klinika.pl"].startswith("[ClinicWatch] PILNE (zagrożenie zdrowia)")
    assert subjects["marco@clinica.it"].startswith("[ClinicWatch] URGENTE (rischio per la salute)")
    assert subjects["john@clinic.com"].startswith("[ClinicWatch] URGENT (health risk)")


def test_smtp_outage_is_retried_and_delivered_exactly_once(tmp_path, hook):
    smtp = SmtpServer()  # not started yet: connections are refused
    config = make_config(
        tmp_path, email_to=["kierownik@klinika.pl"], smtp_port=smtp.port, webhooks=[hook.url("/hook")], quick_retries=1
    )
    store = _store(config)
    add_mention(store, "u1", ANGRY, published=NOW - hours(1), urgency=0.9, reasons=["legal_threat"])
    repo = AlertsRepo(store)
    try:
        down = evaluate_and_send(config, store, now=NOW)
        assert (down.sent, down.failed) == (1, 1)  # the webhook went, the e-mail did not
        email_row = next(row for row in repo.alerts() if row["channel"].startswith("email:"))
        assert email_row["attempts"] == 2 and "SMTP 127.0.0.1" in email_row["last_error"]
        assert email_row["delivered_at"] is None

        too_soon = evaluate_and_send(config, store, now=NOW + hours(0.005))  # 18 s later: backoff not over
        assert too_soon.failed == 0 and too_soon.sent == 0

        still_down = evaluate_and_send(config, store, now=NOW + hours(0.05))  # 3 min later, still refused
        assert still_down.failed == 1
        assert next(r for r in repo.alerts() if r["channel"].startswith("email:"))["attempts"] == 4

        smtp.start()
        recovered = evaluate_and_send(config, store, now=NOW + hours(0.2))
        again = evaluate_and_send(config, store, now=NOW + hours(3))
        assert recovered.sent == 1 and again.sent == 0
        assert len(smtp.inbox.messages) == 1
        assert "URGENT (legal threat)" in smtp.inbox.messages[0]["Subject"]
        assert len(hook.requests_to("/hook")) == 1
        email_row = next(row for row in repo.alerts() if row["channel"].startswith("email:"))
        assert email_row["delivered_at"] and email_row["attempts"] == 5 and email_row["last_error"] is None
    finally:
        smtp.stop()


def test_webhook_refusing_then_recovering_is_posted_once(tmp_path, loopback):
    answers = iter([500, 503])
    loopback.routes["/hook"] = lambda request: Response(next(answers, 200), b"")
    config = make_config(tmp_path, webhooks=[loopback.url("/hook")], quick_retries=1)
    store = _store(config)
    add_mention(store, "u1", ANGRY, published=NOW - hours(1), urgency=0.9)
    assert evaluate_and_send(config, store, now=NOW).failed == 1
    assert evaluate_and_send(config, store, now=NOW + hours(1)).sent == 1
    assert evaluate_and_send(config, store, now=NOW + hours(2)).sent == 0
    assert len(loopback.requests_to("/hook")) == 3  # two refused tries, then one accepted post


def test_teams_format_chosen_by_config_or_host(tmp_path, loopback):
    loopback.routes["/teams"] = lambda request: Response(200, b"1")
    url = loopback.url("/teams")
    config = make_config(tmp_path, webhooks=[url], webhook_formats={url: "teams"}, language="it")
    store = _store(config)
    add_mention(store, "u1", ANGRY, published=NOW - hours(1), urgency=0.9, reasons=["press"])
    evaluate_and_send(config, store, now=NOW)
    card = json.loads(loopback.requests_to("/teams")[0].body)
    assert card["@type"] == "MessageCard" and card["summary"].startswith("[ClinicWatch] Menzione urgente")
    assert "&lt;b&gt;" in card["sections"][0]["text"]
    assert card["potentialAction"][0]["targets"][0]["uri"] == "https://forum.example/u1"
    assert webhook_format(config.alerts, "https://contoso.webhook.office.com/webhookb2/x") == "teams"
    assert webhook_format(config.alerts, "https://hooks.slack.com/services/T/B/X") == "slack"


def test_quiet_hours_hold_non_critical_alerts_until_morning(tmp_path, smtp):
    config = make_config(tmp_path, email_to=["a@klinika.pl"], smtp_port=smtp.port, quiet_hours="22:00-07:00",
                         response_sla_hours=24)
    store = _store(config)
    night = NOW.replace(hour=22, minute=30)  # 23:30 in Warsaw (CET)
    add_mention(store, "press", ANGRY, published=night - hours(1), urgency=0.8, reasons=["press"])
    add_mention(store, "health", "Po zabiegu krwotok, nikt nie odbiera telefonu", published=night - hours(1),
                urgency=0.95, reasons=["health_risk"])

    at_night = evaluate_and_send(config, store, now=night)
    assert (at_night.sent, at_night.held) == (1, 1)
    assert [m["Subject"] for m in smtp.inbox.messages] == ["[ClinicWatch] URGENT (health risk) mention on forum-a"]

    morning = evaluate_and_send(config, store, now=night + hours(8))  # 07:30 in Warsaw
    assert (morning.sent, morning.held) == (1, 0)
    assert smtp.inbox.messages[1]["Subject"] == "[ClinicWatch] Urgent mention on forum-a"


def test_digest_mode_batches_non_critical_alerts_into_one_message(tmp_path, smtp):
    config = make_config(tmp_path, email_to=["a@klinika.pl"], smtp_port=smtp.port, digest=True, language="pl")
    store = _store(config)
    for number in range(3):
        add_mention(store, f"p{number}", f"Skandal numer {number} w klinice", published=NOW - hours(1),
                    urgency=0.8, reasons=["press"])
    summary = evaluate_and_send(config, store, now=NOW)
    assert (summary.sent, summary.messages) == (3, 1)
    (message,) = smtp.inbox.messages
    assert message["Subject"] == "[ClinicWatch] 3 alerty"
    plain, _ = _bodies(message)
    assert all(f"Skandal numer {n} w klinice" in plain for n in range(3))


def test_sla_rule_fires_for_old_unanswered_complaint_only(tmp_path, smtp, store_target):
    config = make_config(tmp_path, store_target=store_target, email_to=["a@klinika.pl"], smtp_port=smtp.port, response_sla_hours=4, language="pl")
    store = _store(config)
    late = add_mention(store, "late", "Od tygodnia nikt nie oddzwania w sprawie wyników", published=NOW - hours(6))
    answered = add_mention(store, "answered", "Rejestracja była niemiła przez telefon", published=NOW - hours(7))
    set_response(store, answered, "replied", NOW - hours(5))
    add_mention(store, "fresh", "Czekam na wyniki już drugi dzień", published=NOW - hours(1))
    add_mention(store, "question", "Czy robicie szczepienia dla dzieci?", published=NOW - hours(9), kind="question",
                sentiment="neutral")

    summary = evaluate_and_send(config, store, now=NOW)
    sla_rows = [row for row in AlertsRepo(store).alerts() if row["rule"] == "sla"]
    assert [row["payload"]["data"]["id"] for row in sla_rows] == [late]
    assert summary.sent == 1
    assert smtp.inbox.messages[0]["Subject"] == "[ClinicWatch] Skarga bez odpowiedzi ponad 4 godz. (forum-a)"


def test_starttls_and_login_with_credentials_from_the_environment(tmp_path, monkeypatch):
    ca = trustme.CA()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_tls)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the client trusts this test CA only
    monkeypatch.setenv("SMTP_USERNAME", "alerts@klinika.pl")
    monkeypatch.setenv("SMTP_PASSWORD", "s3cret")
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"alerts@klinika.pl" and auth_data.password == b"s3cret")

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True,
                            auth_required=True, authenticator=authenticator)
    controller.start()
    try:
        config = make_config(tmp_path, email_to=["a@klinika.pl"], smtp_port=port, smtp_starttls=True)
        store = _store(config)
        add_mention(store, "u1", ANGRY, published=NOW - hours(1), urgency=0.9, reasons=["press"])
        summary = evaluate_and_send(config, store, now=NOW)
        assert summary.sent == 1, summary.errors
        assert logins == [(b"alerts@klinika.pl", b"s3cret")] and len(inbox.messages) == 1
    finally:
        controller.stop()


def test_a_down_channel_is_tried_once_per_run_and_every_alert_arrives_after_recovery(tmp_path):
    smtp = SmtpServer()  # down at first
    config = make_config(tmp_path, email_to=["a@klinika.pl"], smtp_port=smtp.port, quick_retries=2)
    store = _store(config)
    for number in range(3):
        add_mention(store, f"u{number}", f"Pilna sprawa numer {number}", published=NOW - hours(1), urgency=0.9)
    repo = AlertsRepo(store)
    try:
        down = evaluate_and_send(config, store, now=NOW)
        assert (down.recorded, down.failed, down.sent) == (3, 1, 0)
        assert sorted(row["attempts"] for row in repo.alerts()) == [0, 0, 3]  # one alert tried 1 + 2 times
        smtp.start()
        up = evaluate_and_send(config, store, now=NOW + hours(1))
        assert (up.sent, up.failed) == (3, 0)
        evaluate_and_send(config, store, now=NOW + hours(2))
        assert sorted(m["Subject"] for m in smtp.inbox.messages) == ["[ClinicWatch] Urgent mention on forum-a"] * 3
        bodies = sorted(m.get_body(("plain",)).get_content() for m in smtp.inbox.messages)
        assert [f"Pilna sprawa numer {n}" in body for n, body in enumerate(bodies)] == [True] * 3
    finally:
        smtp.stop()


def test_two_runs_at_once_cannot_both_claim_an_alert(tmp_path, store_target):
    config = make_config(tmp_path, store_target=store_target, email_to=["a@klinika.pl"], smtp_port=1)
    first, second = AlertsRepo(_store(config)), AlertsRepo(_store(config))  # two connections, as two processes
    assert first.add_alert("urgent", "urgent:1|email:a@klinika.pl", "email:a@klinika.pl", {"rule": "urgent"}, NOW)
    assert not second.add_alert("urgent", "urgent:1|email:a@klinika.pl", "email:a@klinika.pl", {}, NOW)
    (row,) = second.due_alerts(NOW, max_attempts=5)
    assert first.claim(row["id"], NOW, NOW + hours(0.2))
    assert not second.claim(row["id"], NOW, NOW + hours(0.2))
    assert second.due_alerts(NOW + hours(0.1), max_attempts=5) == []  # leased
    assert len(second.due_alerts(NOW + hours(0.3), max_attempts=5)) == 1  # a crashed sender's lease runs out
