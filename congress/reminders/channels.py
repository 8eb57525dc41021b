"""The channels a delivery goes out through: the in-app inbox, e-mail and SMS gateways."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from email.utils import make_msgid
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from congress.models import Channel, Notification, User

logger = logging.getLogger("congress.reminders")


class DeliveryError(Exception):
    """A channel could not send; the delivery is retried with backoff until its last try."""


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, message_id: str) -> None: ...


class LoggingSmsBackend:
    """Write text messages to the log instead of sending them: the default until a gateway is configured."""

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        logger.info("SMS %s to %s: %s", message_id, phone, text)


class HttpSmsBackend:
    """Post text messages to the county's HTTP SMS gateway (SMS_GATEWAY_URL, credentials, JSON template).

    The delivery id goes along as the client message id, so a gateway that deduplicates on it never
    sends twice even when a worker dies between the gateway's answer and the database commit.
    """

    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise DeliveryError("SMS_GATEWAY_URL is not set")
        self.url = settings.SMS_GATEWAY_URL
        self.timeout = settings.SMS_GATEWAY_TIMEOUT
        self.template = json.loads(settings.SMS_GATEWAY_TEMPLATE)

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        values = {
            "phone": phone,
            "text": text,
            "message_id": message_id,
            "username": settings.SMS_GATEWAY_USERNAME,
            "password": settings.SMS_GATEWAY_PASSWORD,
        }
        payload = json.dumps(_fill(self.template, values), ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url, data=payload, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                response.read()
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"SMS gateway answered HTTP {error.code}") from error
        except TimeoutError as error:
            raise DeliveryError(f"SMS gateway did not answer within {self.timeout}s") from error
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"SMS gateway unreachable: {getattr(error, 'reason', error)}") from error


def _fill(template: Any, values: dict[str, str]) -> Any:
    """Replace {name} placeholders inside the JSON template's strings, keeping its structure."""
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, values) for value in template]
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
    return template


def sms_backend() -> SmsBackend:
    name = settings.SMS_BACKEND
    backends = {"logging": LoggingSmsBackend, "http": HttpSmsBackend}
    return (backends.get(name) or import_string(name))()


def can_reach(user: User, channel: str) -> bool:
    """Whether the person has an address for the channel."""
    if channel == Channel.EMAIL:
        return bool(user.email)
    if channel == Channel.SMS:
        return bool(user.phone)
    return True


def send(*, channel: str, delivery_id: int, recipient: User, title: str, body: str, sms: str, url: str, kind: str):
    """Send one message through `channel`; return the inbox row for in-app messages."""
    if channel == Channel.IN_APP:
        return Notification.objects.create(recipient=recipient, kind=kind, title=title, body=body, url=url)
    if channel == Channel.EMAIL:
        if not recipient.email:
            raise DeliveryError("no e-mail address")
        text = f"{body}\n\n{url}".strip() if url and url not in body else body
        message = EmailMessage(
            subject=title,
            body=text or title,
            to=[recipient.email],
            headers={"Message-ID": make_msgid(f"delivery-{delivery_id}")},
        )
        try:
            message.send()
        except Exception as error:  # smtplib errors subclass OSError; other mail backends raise their own
            raise DeliveryError(f"e-mail failed: {error}") from error
        return None
    if channel == Channel.SMS:
        if not recipient.phone:
            raise DeliveryError("no mobile phone number")
        sms_backend().send(phone=recipient.phone, text=sms or title, message_id=f"delivery-{delivery_id}")
        return None
    raise DeliveryError(f"unknown channel {channel}")
