import pytest

from barometre.results.demo_editions import DEMO_2016, DEMO_2018
from barometre.results.demo_survey import load_demo_edition
from survey.models import Edition


@pytest.fixture
def demo_2016(db) -> Edition:
    load_demo_edition(DEMO_2016)
    return Edition.objects.get(code="2016")


@pytest.fixture
def demo_editions(demo_2016) -> list[Edition]:
    load_demo_edition(DEMO_2018)
    return [demo_2016, Edition.objects.get(code="2018-demo")]
