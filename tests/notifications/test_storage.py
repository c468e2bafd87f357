"""How the outbox is stored: its bodies compressed with LZ4 where the server has it (migration 0005)."""

from importlib import import_module

import pytest
from django.db import connection

lz4_available = import_module("notifications.migrations.0005_email_bodies_lz4").lz4_available


@pytest.mark.django_db
def test_the_outboxs_bodies_are_compressed_with_lz4_where_the_server_has_it():
    if not lz4_available(connection):
        pytest.skip("a database without LZ4")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute"
            " WHERE attrelid = 'notifications_email'::regclass AND attname IN ('text', 'html')"
        )
        assert dict(cursor.fetchall()) == {"text": "l", "html": "l"}
