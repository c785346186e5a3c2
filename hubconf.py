"""torch.hub entry points of the interactive PyTorch course, for a clone or GitHub.

The entry points and their weights live in the course package (``utils/hub/``), so that an
installed package is a hub repository too; this file re-exports them for
``torch.hub.load("path/to/the/clone", "lenet5", source="local")`` and, online,
``torch.hub.load("OWNER/REPO", "lenet5")``.
"""

from utils.hub.hubconf import dependencies, fashion_cnn, lenet5  # noqa: F401  (entry points)
