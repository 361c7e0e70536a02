"""Work done outside the request, so a request's timing tells nothing about accounts."""

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task


@task
def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Email a reset link to each active account with this address that has a password.

    Django's form finds the accounts and makes the one-use token; for an address with no
    account it does nothing, and nobody waits for it.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
