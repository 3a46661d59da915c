import Kustomize
