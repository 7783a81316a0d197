"""HTTP API of user_service: one view per operation, each with its own serializers."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from common.auth import IsAdmin, Role, is_admin, is_service
from common.openapi import PageQuerySerializer, error_responses, paginated
from common.pagination import paginated_response
from common.views import ReplaceOrPatchApi
from users import selectors, services
from users.models import UserRole
from users.sessions import session_end, session_refresh, session_start
from users.throttles import LoginThrottle, PasswordChangeThrottle
from users.tokens import user_token_jwks

INVALID_CREDENTIALS = "Invalid email or password."
INVALID_REFRESH = "Refresh token is invalid, used or expired."


class IsUserOrAdmin(BasePermission):
    """A person's token (USER or ADMIN), never a service's."""

    def has_permission(self, request, view):
        return getattr(request.user, "role", None) in (Role.USER, Role.ADMIN)


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class UserListCreateApi(APIView):
    """`POST /api/users` registers anyone; `GET /api/users` lists users for ADMINs."""

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=1024, trim_whitespace=False,
                                         write_only=True)
        name = serializers.CharField(max_length=200)

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated(), IsAdmin()]

    def perform_authentication(self, request):
        if request.method != "POST":  # registration ignores any token sent along
            super().perform_authentication(request)

    @extend_schema(request=InputSerializer, responses={201: UserOutputSerializer,
                                                       **error_responses(400)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(**data.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[PageQuerySerializer],
                   responses={200: paginated(UserOutputSerializer),
                              **error_responses(400, 401, 403)})
    def get(self, request):
        return paginated_response(request, selectors.user_list(), UserOutputSerializer)


class UserMeApi(APIView):
    @extend_schema(responses={200: UserOutputSerializer, **error_responses(401, 404)})
    def get(self, request):
        user = selectors.user_get_active(user_id=request.user.id)
        if user is None:
            raise NotFound("This user no longer exists.")
        return Response(UserOutputSerializer(user).data)


class UserDetailApi(ReplaceOrPatchApi):
    """One user: self, ADMIN (and SERVICE for reads)."""

    class UpdateSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        name = serializers.CharField(max_length=200)
        role = serializers.ChoiceField(choices=UserRole.choices, required=False)

    update_input = UpdateSerializer
    update_output = UserOutputSerializer

    def _get_user(self, request, user_id, *, allow_service: bool):
        caller = request.user
        allowed = str(caller.id) == str(user_id) or is_admin(caller) or (
            allow_service and is_service(caller))
        if not allowed:
            raise PermissionDenied("You may only access your own account.")
        user = selectors.user_get_active(user_id=user_id)
        if user is None:
            raise NotFound("User not found.")
        return user

    @extend_schema(responses={200: UserOutputSerializer, **error_responses(401, 403, 404)})
    def get(self, request, user_id):
        user = self._get_user(request, user_id, allow_service=True)
        return Response(UserOutputSerializer(user).data)

    def update(self, request, user_id, *, partial: bool):
        user = self._get_user(request, user_id, allow_service=False)
        data = self.UpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        user = services.user_update(user=user, changes=data.validated_data,
                                    by_admin=is_admin(request.user))
        return Response(UserOutputSerializer(user).data)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)})
    def delete(self, request, user_id):
        user = self._get_user(request, user_id, allow_service=False)
        services.user_delete(user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicApi(APIView):
    """No token needed; a credentials failure is still a 401 with a Bearer challenge."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class LoginApi(PublicApi):
    throttle_classes = [LoginThrottle]

    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=1024, trim_whitespace=False)

    class OutputSerializer(serializers.Serializer):
        access = serializers.CharField()
        refresh = serializers.CharField()
        user = UserOutputSerializer()

    @extend_schema(request=InputSerializer,
                   responses={200: OutputSerializer, **error_responses(400, 401, 429)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, email=data.validated_data["email"].strip().lower(),
                            password=data.validated_data["password"])
        if user is None:
            raise AuthenticationFailed(INVALID_CREDENTIALS)
        tokens = session_start(user=user)
        return Response({"access": tokens.access, "refresh": tokens.refresh,
                         "user": UserOutputSerializer(user).data})


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class RefreshApi(PublicApi):
    """A refresh token for a new access and refresh token; the one sent stops working."""

    class OutputSerializer(serializers.Serializer):
        access = serializers.CharField()
        refresh = serializers.CharField()

    @extend_schema(request=RefreshInputSerializer, responses={200: OutputSerializer,
                                                              **error_responses(400, 401)})
    def post(self, request):
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens = session_refresh(raw_refresh=data.validated_data["refresh"])
        if tokens is None:
            raise AuthenticationFailed(INVALID_REFRESH)
        return Response({"access": tokens.access, "refresh": tokens.refresh})


class LogoutApi(PublicApi):
    """`{refresh}` ends that session: its refresh tokens and its access tokens stop working."""

    @extend_schema(request=RefreshInputSerializer, responses={204: None,
                                                              **error_responses(400, 401)})
    def post(self, request):
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not session_end(raw_refresh=data.validated_data["refresh"]):
            raise AuthenticationFailed(INVALID_REFRESH)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    """The caller's new password; every session of theirs ends (sign in again)."""

    permission_classes = [IsAuthenticated, IsUserOrAdmin]
    throttle_classes = [PasswordChangeThrottle]

    class InputSerializer(serializers.Serializer):
        current_password = serializers.CharField(max_length=1024, trim_whitespace=False)
        new_password = serializers.CharField(max_length=1024, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={204: None,
                                                       **error_responses(400, 401, 403, 429)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = selectors.user_get_active(user_id=request.user.id)
        if user is None:
            raise NotFound("This user no longer exists.")
        services.user_password_change(user=user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JwksApi(PublicApi):
    """The public keys that verify user tokens (JWKS, each with its `kid`)."""

    @extend_schema(responses={200: dict})
    def get(self, request):
        response = Response(user_token_jwks())
        response["Cache-Control"] = "public, max-age=300"
        return response
