from ninja import Router

from innokop.core.schemas import SIGNED_IN, responses

from .schemas import MeOut

router = Router(tags=["accounts"])


@router.get("/me", response=responses(MeOut, SIGNED_IN),
            summary="The authenticated user and their organisations and roles")
def me(request):
    memberships = request.actor.memberships
    return {
        "email": request.user.email,
        "full_name": request.user.full_name,
        "language": request.user.language,
        "memberships": [
            {"organisation": m.organisation, "role": m.role}
            for m in memberships
        ],
    }
