"""WSGI entry point for gunicorn: ``gunicorn provisioner.wsgi:app``."""

from provisioner.app import create_app

app = create_app()
