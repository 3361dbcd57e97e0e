from innokop.core.demo import Scenario


def load(scenario: Scenario) -> None:
    pass
