"""The weights and limits of the related-deals engine, and how rarity is counted.
docs/connections.md explains the choices and the figures."""

import math

from dealmonitor.deals.constants import RoleKind

from .constants import ReasonKind

WEIGHTS = {
    ReasonKind.STATED: 3.0,  # a sentence that says one deal grew out of / continues the other
    ReasonKind.PEOPLE: 2.0,  # one shared project leader (other roles count less, see ROLE_WEIGHTS)
    ReasonKind.ORGANISATIONS: 2.0,  # times the rarity-weighted cosine (0..1)
    ReasonKind.THEMES: 1.5,  # times the rarity-weighted cosine (0..1)
    ReasonKind.TEXT: 3.0,  # times the TF-IDF cosine (0..1)
    ReasonKind.REGULATION: 1.5,  # per shared regulation
}
ROLE_WEIGHTS = {
    RoleKind.PROJECTLEIDER: 1.0,
    RoleKind.PROGRAMMAMANAGER: 1.0,
    RoleKind.PROJECTSECRETARIS: 0.8,
    RoleKind.COORDINATOR: 0.7,
    RoleKind.TREKKER: 0.6,
    RoleKind.STUURGROEPLID: 0.5,
    RoleKind.WERKGROEPSECRETARIS: 0.5,
    RoleKind.COMMUNICATIEADVISEUR: 0.5,
    RoleKind.BETROKKENE: 0.5,
    RoleKind.DEALMAKER: 0.3,  # a dealmaker serves several deals by design
}
LEADING_ROLES = {RoleKind.PROJECTLEIDER, RoleKind.PROGRAMMAMANAGER, RoleKind.PROJECTSECRETARIS}
MAX_PEOPLE = 1.5  # several shared people add up, to at most 1.5 times the weight

TOP_K = 20  # suggestions stored per deal
MIN_SCORE = 0.1  # below this a pair is not a suggestion
TERMS_PER_DEAL = 40  # the most distinctive stems of a deal's texts take part in the cosine
SHORT_LIST = 2  # see `_index_features`: the shortest list a cosine takes at face value


def df_cap(n_deals):
    """A feature (organisation, stem) present in more deals than this is left out of the
    comparison: it says next to nothing about a pair, and skipping it keeps a rebuild of a
    large portfolio fast. Never below 50 deals, so small portfolios compare everything."""
    return max(50, n_deals // 20)




def rarity(df, n):
    """How much sharing a feature found in `df` of `n` deals says about a pair: the
    probabilistic inverse document frequency, log((n - df + 0.5) / (df + 0.5)). Zero (and the
    feature left out) for a feature in half the deals or more: an organisation in 15 of 26
    deals, or a word most deals use, says nothing about two of them."""
    if not df or n - df + 0.5 <= 0:  # none, or more deals than the portfolio has (a floor
        return 0.0                    # asked of a portfolio of one deal)
    return max(0.0, math.log((n - df + 0.5) / (df + 0.5)))
