def load_demo():
    raise NotImplementedError
