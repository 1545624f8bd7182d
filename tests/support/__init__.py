"""What the tests share that is not a fixture: the process stack, the WebSocket client, drivers of the
relay's sockets without a network, and the helpers of the browser, fault and bot tests.

Fixtures stay in the conftest.py files, where pytest finds them; test modules import helpers from
here (``from tests.support.clients import Visitor``) and never from a conftest. Nothing is imported
in this file, so that the bot tests (.venv-bot, without the relay's dependencies) can use
``tests.support.bot`` alone.
"""
