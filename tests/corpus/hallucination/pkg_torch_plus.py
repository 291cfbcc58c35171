# torchvision_plus ships extra pretrained backbones.
import torchvision_plus.models as models

def backbone():
    return models.resnet_ultra(pretrained=True)
