"""What the user touches: the service layer (workspace), saved drafts, the chat grammar, the
browser UI, the CLI and the server. Thin over the stages below."""
