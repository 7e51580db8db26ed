"""python -m plain_orm.serve --port P: create the table, then serve with waitress."""

import argparse
import os
import signal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plain_orm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from waitress import create_server

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    server = create_server(get_wsgi_application(), host=args.host, port=args.port,
                           threads=args.threads)
    print(f"plain ORM baseline serving on http://{args.host}:{args.port}/", flush=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: server.close())
    try:
        server.run()
    except OSError:
        pass


if __name__ == "__main__":
    main()
