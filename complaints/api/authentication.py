"""API authentication by personal token (districts.tokens), in the header form clients already send:
`Authorization: Token <key>`.

The token is left on the user as `api_token` for the lifetime of the request, so that every change the
lifecycle writes through the API names the token next to its owner (complaints.lifecycle.Actor)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from districts import tokens


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = tokens.find(key)
        if token is None:
            raise AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("This login is deactivated."))
        tokens.touch(token)
        token.user.api_token = token
        return token.user, token
