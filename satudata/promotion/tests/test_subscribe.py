"""Subscribing without an account: double opt-in, the same answer for every address, links that
are forged, expired or voided, one-click unsubscribing (RFC 8058) without a CSRF token, GETs
that change nothing, refused addresses, the per-client limit, and the preference page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail as django_mail
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from satudata.catalog.testing import COUNTS, table_dataset
from satudata.core.models import AuditEvent
from satudata.core.testing import PersonaTestCase
from satudata.promotion import subscriptions, tokens
from satudata.promotion.models import (
    Delivery,
    DeliveryState,
    Dispatch,
    DispatchKind,
    Subscriber,
    SubscriberState,
    Topic,
)
from satudata.promotion.views_subscribe import TOO_MANY

SUBSCRIBE = "/langganan/"
ADDRESS = "rina.wulandari@pos.co.id"
SECTOR = "PERTANIAN_DAN_PERIKANAN"
LINK = re.compile(r"https?://[^\s]+/langganan/(konfirmasi|atur|berhenti)/[^\s/]+/")


def form_data(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": ADDRESS,
        "scope": "pilihan",
        "sectors": [SECTOR],
        "calendar_changes": "on",
        "frequency": "segera",
        "language": "id",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@override_settings(
    SITE_URL="https://satudata.pringsewu.test",
    PROMOTION_ALLOW_RESERVED_DOMAINS=False,
    PROMOTION_SUBSCRIBE_MAIL_INTERVAL=0,
)
class SubscribeTestCase(PersonaTestCase):
    def setUp(self) -> None:
        self.client = Client()
        caches["ratelimit"].clear()
        self.addCleanup(caches["ratelimit"].clear)

    def post_form(self, **fields: Any) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(SUBSCRIBE, form_data(**fields))

    def links_in(self, message: Any) -> dict[str, str]:
        return {m.group(1): m.group(0) for m in LINK.finditer(message.body)}

    def subscribe_and_confirm(self, **fields: Any) -> Subscriber:
        self.post_form(**fields)
        confirm = self.links_in(django_mail.outbox[-1])["konfirmasi"]
        self.client.post(confirm)
        return Subscriber.objects.get(email=fields.get("email", ADDRESS))


class DoubleOptInTests(SubscribeTestCase):
    def test_it_keeps_a_pending_subscriber_and_mails_a_confirmation_link(self) -> None:
        response = self.post_form()
        self.assertRedirects(response, f"{SUBSCRIBE}?terkirim=1")
        subscriber = Subscriber.objects.get()
        self.assertEqual(subscriber.state, SubscriberState.PENDING)
        self.assertEqual(list(subscriber.topics.values_list("kind", "value")), [("sektor", SECTOR)])
        [message] = django_mail.outbox
        self.assertEqual(message.to, [ADDRESS])
        self.assertIn("https://satudata.pringsewu.test/langganan/konfirmasi/", message.body)
        page = self.client.get(f"{SUBSCRIBE}?terkirim=1")
        self.assertContains(page, "<h1>")
        self.assertEqual(page["Cache-Control"], "private, no-store")
        self.assertEqual(page["Referrer-Policy"], "same-origin")
        self.assertIn("noindex", page["X-Robots-Tag"])

    def test_the_confirmation_mail_is_in_the_language_chosen(self) -> None:
        with translation.override("en"):
            self.post_form(language="id", email="id@pos.co.id")
        with translation.override("id"):
            self.post_form(language="en", email="en@pos.co.id")
            indonesian = gettext("Confirm your subscription")
        self.assertIn(indonesian, django_mail.outbox[0].subject)
        self.assertIn("Confirm your subscription", django_mail.outbox[1].subject)
        self.assertIn("open this link", django_mail.outbox[1].body)

    def test_opening_the_link_shows_a_button_and_the_button_confirms(self) -> None:
        self.post_form()
        confirm = self.links_in(django_mail.outbox[0])["konfirmasi"]
        page = self.client.get(confirm)
        self.assertContains(page, 'method="post"')
        self.assertEqual(Subscriber.objects.get().state, SubscriberState.PENDING)
        # The manage link is signed with the second it is made: the page's and the one made
        # here must fall in the same second.
        with time_machine.travel(timezone.now(), tick=False):
            done = self.client.post(confirm)
            self.assertEqual(done.status_code, 200)
            subscriber = Subscriber.objects.get()
            self.assertEqual(subscriber.state, SubscriberState.ACTIVE)
            self.assertIsNotNone(subscriber.confirmed_at)
            self.assertContains(
                done, reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
            )
        self.assertTrue(AuditEvent.objects.filter(action="promotion.subscribed").exists())

    def test_a_get_of_any_link_changes_nothing(self) -> None:
        self.post_form()
        subscriber = Subscriber.objects.get()
        for purpose in ("confirm", "manage", "unsubscribe"):
            url = reverse(f"promotion:{purpose}", args=[tokens.make(subscriber, purpose)])
            self.assertEqual(self.client.get(url).status_code, 200)
            self.assertEqual(self.client.head(url).status_code, 200)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.PENDING)
        self.assertIsNone(subscriber.confirmed_at)

    def test_the_form_takes_a_dataset_from_its_page_s_link(self) -> None:
        dataset = table_dataset(
            actor=self.p.walidata,
            agency=self.p.agency,
            name="Produksi Padi menurut Kecamatan",
            columns=COUNTS,
            rows=[["Pringsewu", 1200]],
            publisher=self.p.kepala_bidang,
        )
        page = self.client.get(f"{SUBSCRIBE}?dataset={dataset.uuid}")
        self.assertContains(page, dataset.title)
        self.assertContains(page, f'value="dataset:{dataset.uuid}"')
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                f"{SUBSCRIBE}?dataset={dataset.uuid}",
                form_data(sectors=[], items=[f"dataset:{dataset.uuid}"]),
            )
        self.assertEqual(
            list(Topic.objects.values_list("kind", "value")), [("dataset", str(dataset.uuid))]
        )

    def test_a_made_up_dataset_is_not_followed(self) -> None:
        response = self.post_form(
            sectors=[],
            calendar_changes=None,
            items=["dataset:6b0d5e3c-1111-4c1e-9c1e-000000000000"],
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Subscriber.objects.exists())

    def test_nothing_chosen_is_refused_with_a_clear_message(self) -> None:
        response = self.post_form(sectors=[], calendar_changes=None)
        self.assertContains(response, 'role="alert"', status_code=400)
        self.assertFalse(Subscriber.objects.exists())


class RepeatedSubscriptionTests(SubscribeTestCase):
    def test_subscribing_twice_makes_one_row_and_the_same_answer(self) -> None:
        first = self.post_form()
        second = self.post_form(sectors=["PEMBANGUNAN"])
        self.assertEqual(first["Location"], second["Location"])
        self.assertEqual(Subscriber.objects.count(), 1)
        self.assertEqual(len(django_mail.outbox), 2)
        self.assertEqual(
            list(Subscriber.objects.get().topics.values_list("value", flat=True)), ["PEMBANGUNAN"]
        )

    def test_an_active_address_is_unchanged_and_its_owner_gets_the_manage_link(self) -> None:
        subscriber = self.subscribe_and_confirm()
        django_mail.outbox.clear()
        again = self.post_form(
            email=ADDRESS.upper().replace("POS.CO.ID", "Pos.Co.Id"), sectors=["PEMBANGUNAN"]
        )
        self.assertEqual(again["Location"], f"{SUBSCRIBE}?terkirim=1")
        self.assertEqual(Subscriber.objects.count(), 1)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.ACTIVE)
        self.assertEqual(list(subscriber.topics.values_list("value", flat=True)), [SECTOR])
        [message] = django_mail.outbox
        links = self.links_in(message)
        self.assertNotIn("konfirmasi", links)
        self.assertIn("atur", links)

    def test_the_sent_page_is_the_same_whatever_the_address(self) -> None:
        self.subscribe_and_confirm(email="aktif@pos.co.id")
        bodies = set()
        for address in ("aktif@pos.co.id", "baru@pos.co.id"):
            response = self.post_form(email=address)
            page = self.client.get(response["Location"])
            bodies.add(
                re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
            )
        self.assertEqual(len(bodies), 1)

    def test_unsubscribed_then_subscribed_again_needs_a_new_confirmation(self) -> None:
        subscriber = self.subscribe_and_confirm()
        subscriptions.unsubscribe(subscriber=subscriber, how="atur")
        django_mail.outbox.clear()
        self.post_form()
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.PENDING)
        self.assertEqual(Subscriber.objects.count(), 1)
        confirm = self.links_in(django_mail.outbox[0])["konfirmasi"]
        self.client.post(confirm)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.ACTIVE)
        self.assertIsNone(subscriber.unsubscribed_at)

    @override_settings(PROMOTION_SUBSCRIBE_MAIL_INTERVAL=600)
    def test_one_address_gets_at_most_one_mail_in_the_interval(self) -> None:
        self.post_form()
        self.post_form()
        self.assertEqual(len(django_mail.outbox), 1)


class BadLinkTests(SubscribeTestCase):
    def test_forged_expired_and_voided_links_open_the_same_clear_page(self) -> None:
        self.post_form()
        subscriber = Subscriber.objects.get()
        confirm = tokens.make(subscriber, "confirm")
        urls = [
            reverse("promotion:confirm", args=[confirm[:-2] + "xx"]),
            reverse("promotion:manage", args=["1.abc:forged:signature"]),
            reverse("promotion:unsubscribe", args=["nothing"]),
        ]
        for url in urls:
            for method in (self.client.get, self.client.post):
                response = method(url)
                self.assertContains(response, reverse("promotion:subscribe"), status_code=404)
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            response = self.client.post(reverse("promotion:confirm", args=[confirm]))
        self.assertEqual(response.status_code, 404)
        manage = tokens.make(subscriber, "manage")
        tokens.void_links(subscriber)
        self.assertEqual(
            self.client.get(reverse("promotion:manage", args=[manage])).status_code, 404
        )
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.PENDING)

    def test_a_confirmation_link_of_an_unsubscribed_address_does_not_bring_it_back(self) -> None:
        self.post_form()
        subscriber = Subscriber.objects.get()
        confirm = reverse("promotion:confirm", args=[tokens.make(subscriber, "confirm")])
        subscriptions.unsubscribe(subscriber=subscriber, how="atur")
        self.assertEqual(self.client.post(confirm).status_code, 404)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.UNSUBSCRIBED)


class UnsubscribeTests(SubscribeTestCase):
    def test_a_one_click_post_without_csrf_token_or_cookie_unsubscribes(self) -> None:
        subscriber = self.subscribe_and_confirm()
        mail_client = Client(enforce_csrf_checks=True)
        url = reverse("promotion:unsubscribe", args=[tokens.make(subscriber, "unsubscribe")])
        response = mail_client.post(
            url,
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.UNSUBSCRIBED)
        self.assertIsNotNone(subscriber.unsubscribed_at)
        event = AuditEvent.objects.get(action="promotion.unsubscribed")
        self.assertEqual(event.changes["how"], "satu-klik")

    def test_other_pages_still_check_csrf(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        self.assertEqual(strict.post(SUBSCRIBE, form_data()).status_code, 403)

    def test_the_page_s_button_unsubscribes_and_a_repeat_is_harmless(self) -> None:
        subscriber = self.subscribe_and_confirm()
        url = reverse("promotion:unsubscribe", args=[tokens.make(subscriber, "unsubscribe")])
        self.assertContains(self.client.get(url), "<button")
        self.assertEqual(self.client.post(url).status_code, 200)
        self.assertEqual(self.client.post(url).status_code, 200)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.UNSUBSCRIBED)
        self.assertEqual(AuditEvent.objects.filter(action="promotion.unsubscribed").count(), 1)

    def test_an_unsubscribed_subscriber_s_waiting_deliveries_are_skipped(self) -> None:
        subscriber = self.subscribe_and_confirm()
        waiting = Delivery.objects.create(
            dispatch=Dispatch.objects.create(kind=DispatchKind.RELEASE), subscriber=subscriber
        )
        held = Delivery.objects.create(
            dispatch=Dispatch.objects.create(kind=DispatchKind.RELEASE),
            subscriber=subscriber,
            state=DeliveryState.HELD,
        )
        sent = Delivery.objects.create(
            dispatch=Dispatch.objects.create(kind=DispatchKind.RELEASE),
            subscriber=subscriber,
            state=DeliveryState.SENT,
        )
        subscriptions.unsubscribe(subscriber=subscriber, how="halaman")
        states = dict(
            Delivery.objects.filter(pk__in=[waiting.pk, held.pk, sent.pk]).values_list(
                "pk", "state"
            )
        )
        self.assertEqual(states[waiting.pk], DeliveryState.SKIPPED)
        self.assertEqual(states[held.pk], DeliveryState.SKIPPED)
        self.assertEqual(states[sent.pk], DeliveryState.SENT)


class AddressTests(SubscribeTestCase):
    def test_invalid_addresses_are_refused_with_a_field_error(self) -> None:
        for address in ("rina@", "rina wulandari@pos.co.id", "rina@localhost", ""):
            response = self.post_form(email=address)
            self.assertEqual(response.status_code, 400, address)
            self.assertContains(response, 'aria-invalid="true"', status_code=400)
            self.assertContains(response, 'id="id_email_error"', status_code=400)
        self.assertFalse(Subscriber.objects.exists())
        self.assertEqual(django_mail.outbox, [])

    def test_throw_away_and_reserved_domains_are_refused(self) -> None:
        for address in ("x@mailinator.com", "x@eu.yopmail.com", "x@contoh.test", "x@example.org"):
            response = self.post_form(email=address)
            self.assertEqual(response.status_code, 400, address)
        self.assertFalse(Subscriber.objects.exists())

    @override_settings(PROMOTION_ALLOW_RESERVED_DOMAINS=True)
    def test_reserved_domains_are_taken_when_allowed(self) -> None:
        self.assertEqual(self.post_form(email="x@contoh.test").status_code, 302)

    def test_the_demo_s_reserved_addresses_made_through_the_model_stay(self) -> None:
        Subscriber.objects.create(email="contoh@example.org", state=SubscriberState.ACTIVE)
        self.assertEqual(Subscriber.objects.active().count(), 1)


@override_settings(RATE_LIMIT_ENABLED=True, PROMOTION_SUBSCRIBE_PER_HOUR=3)
class RateLimitTests(SubscribeTestCase):
    def test_the_fourth_request_in_an_hour_from_one_client_is_refused_with_429(self) -> None:
        for number in range(3):
            self.assertEqual(self.post_form(email=f"warga{number}@pos.co.id").status_code, 302)
        refused = self.post_form(email="warga9@pos.co.id")
        with translation.override("id"):
            message = str(TOO_MANY)
        self.assertContains(refused, message, status_code=429)
        self.assertIn("Retry-After", refused)
        self.assertFalse(Subscriber.objects.filter(email="warga9@pos.co.id").exists())
        other = Client(REMOTE_ADDR="192.0.2.77")
        with self.captureOnCommitCallbacks(execute=True):
            response = other.post(SUBSCRIBE, form_data(email="warga9@pos.co.id"))
        self.assertEqual(response.status_code, 302)


class PreferenceTests(SubscribeTestCase):
    def test_the_manage_page_changes_topics_frequency_and_language(self) -> None:
        subscriber = self.subscribe_and_confirm()
        url = reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
        page = self.client.get(url)
        self.assertRegex(page.content.decode(), rf'value="{SECTOR}"[^>]* checked')
        response = self.client.post(
            url,
            {
                "scope": "pilihan",
                "agencies": [self.p.agency.slug],
                "frequency": "mingguan",
                "language": "en",
            },
        )
        self.assertRedirects(response, f"{url}?tersimpan=1")
        subscriber.refresh_from_db()
        self.assertEqual(
            list(subscriber.topics.values_list("kind", "value")), [("instansi", self.p.agency.slug)]
        )
        self.assertEqual((subscriber.frequency, subscriber.language), ("mingguan", "en"))
        self.assertFalse(subscriber.calendar_changes)
        self.assertEqual(subscriber.state, SubscriberState.ACTIVE)
        event = AuditEvent.objects.get(action="promotion.preferences_changed")
        self.assertEqual(event.changes["frequency"], ["segera", "mingguan"])

    def test_everything_clears_the_topics(self) -> None:
        subscriber = self.subscribe_and_confirm()
        url = reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
        self.client.post(
            url, {"scope": "semua", "sectors": [SECTOR], "frequency": "segera", "language": "id"}
        )
        subscriber.refresh_from_db()
        self.assertTrue(subscriber.everything)
        self.assertFalse(subscriber.topics.exists())

    def test_a_bad_choice_is_a_400_with_the_choices_kept(self) -> None:
        subscriber = self.subscribe_and_confirm()
        url = reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
        response = self.client.post(
            url, {"scope": "pilihan", "frequency": "tiap-jam", "language": "id"}
        )
        self.assertContains(response, 'id="id_frequency_error"', status_code=400)
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.frequency, "segera")

    def test_the_manage_link_of_an_unsubscribed_address_offers_to_subscribe_again(self) -> None:
        subscriber = self.subscribe_and_confirm()
        subscriptions.unsubscribe(subscriber=subscriber, how="halaman")
        url = reverse("promotion:manage", args=[tokens.make(subscriber, "manage")])
        self.assertContains(self.client.get(url), "subscribe_again")
        django_mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"action": "subscribe_again"})
        subscriber.refresh_from_db()
        self.assertEqual(subscriber.state, SubscriberState.PENDING)
        self.assertIn("konfirmasi", self.links_in(django_mail.outbox[0]))
        self.assertEqual(list(subscriber.topics.values_list("value", flat=True)), [SECTOR])


class SubscribeLinkTests(SubscribeTestCase):
    def test_the_include_links_to_the_form_with_the_dataset_or_product(self) -> None:
        from django.template.loader import render_to_string

        uuid = "6b0d5e3c-1111-4c1e-9c1e-000000000000"
        self.assertIn(
            f'href="/langganan/?dataset={uuid}"',
            render_to_string("promotion/_subscribe_link.html", {"dataset": uuid}),
        )
        self.assertIn(
            f'href="/langganan/?produk={uuid}"',
            render_to_string("promotion/_subscribe_link.html", {"product": uuid}),
        )
        self.assertIn('href="/langganan/"', render_to_string("promotion/_subscribe_link.html"))


class OddInputTests(SubscribeTestCase):
    def test_made_up_query_values_and_posts_never_fail(self) -> None:
        for query in ("?dataset=bukan-uuid", "?produk=%20x", "?dataset=" + "9" * 500, "?k=<x>"):
            self.assertEqual(self.client.get(SUBSCRIBE + query).status_code, 200, query)
        response = self.post_form(frequency="tiap-jam", language="jv", scope="apa")
        self.assertEqual(response.status_code, 400)
        response = self.post_form(email="a" * 300 + "@pos.co.id")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Subscriber.objects.exists())
