"""What every domain shares: the page frame, health check, logging, deployment checks, the demo."""
