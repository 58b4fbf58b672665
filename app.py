"""Entry point: `python app.py` (or `make run`) opens the app on http://127.0.0.1:7860."""

from assistant.app.server import main

if __name__ == "__main__":
    main()
