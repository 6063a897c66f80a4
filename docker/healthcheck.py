"""Container healthcheck: exit 0 when the API answers /health, 1 otherwise.

Standard library only, so it starts in milliseconds and the image needs no curl.
"""

import os
import sys
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('API_PORT', '8000')}/health"
try:
    with urllib.request.urlopen(url, timeout=2.5) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"{url}: {error}", file=sys.stderr)
    sys.exit(1)
