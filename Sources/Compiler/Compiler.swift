import Environments
import Manifests
import Kustomize
