"""Log a PyTorch network's layers for `infoplane plane --dump DIR`: forward hooks on the modules you
name, read on a fixed evaluation set at log-spaced epochs, written by infoplane_dump.DumpWriter.

    from infoplane_torch import InfoplaneLogger
    log = InfoplaneLogger(net, {"h1": net[1], "h2": net[3]}, x_eval, y_eval, "dump", epochs=1000)
    for epoch in range(1000): log(epoch, train_loss=loss); train_one_epoch(net)

Call it at the start of every epoch (epoch 0 = the initial weights, as `infoplane run` logs); it reads
the layers only at the scheduled epochs (log_epochs(epochs, points), or `schedule=[...]`), in eval
mode and without gradients, and puts the previous mode back. Metrics passed as keywords go to
metrics.csv at every call. The hooks exist only while the evaluation set passes through, so training
runs at full speed.
"""
import torch

from infoplane_dump import DumpWriter, log_epochs

# module types whose output is the named function of its input (for adaptive binning's lowest edge)
_FUNCTIONS = {torch.nn.Tanh: "tanh", torch.nn.ReLU: "relu", torch.nn.Sigmoid: "sigmoid", torch.nn.Softsign: "softsign",
              torch.nn.Softplus: "softplus", torch.nn.Softmax: "softmax", torch.nn.Identity: "linear", torch.nn.Linear: "linear"}


class InfoplaneLogger:
    def __init__(self, model, modules, x, y, out, epochs=None, points=30, schedule=None,
                 batch_size=4096, source=None):
        """model: the torch.nn.Module to run on x; modules: {name: submodule} whose outputs are the
        layers (a list is named L1, L2, ...); x, y: the evaluation inputs and integer labels."""
        if not isinstance(modules, dict):
            modules = {f"L{i + 1}": m for i, m in enumerate(modules)}
        if schedule is None:
            if epochs is None:
                raise ValueError("InfoplaneLogger: give epochs= (for the log-spaced schedule) or schedule=[...]")
            schedule = log_epochs(epochs, points)
        self.model, self.modules = model, modules
        self.schedule = set(int(e) for e in schedule)
        self.x = torch.as_tensor(x)
        self.batch_size = batch_size
        y = torch.as_tensor(y).detach().cpu().numpy()
        functions = {name: _FUNCTIONS[type(m)] for name, m in modules.items() if type(m) in _FUNCTIONS}
        self.writer = DumpWriter(out, labels=y, inputs=self.x.detach().cpu().numpy(), layers=list(modules),
                                 source=source or f"infoplane_torch.py (PyTorch {torch.__version__})",
                                 activation_functions=functions)

    @torch.no_grad()
    def activations(self):
        """{name: float32 array [rows][units]} of every named module on the evaluation set."""
        parts = {name: [] for name in self.modules}

        def hook(name):
            def keep(_module, _inputs, output):
                t = output[0] if isinstance(output, (tuple, list)) else output
                parts[name].append(t.detach().float().reshape(t.shape[0], -1).cpu())
            return keep

        handles = [m.register_forward_hook(hook(name)) for name, m in self.modules.items()]
        was_training = self.model.training
        self.model.eval()
        try:
            device = next(self.model.parameters(), torch.empty(0)).device
            for s in range(0, self.x.shape[0], self.batch_size):
                self.model(self.x[s:s + self.batch_size].to(device))
        finally:
            for h in handles:
                h.remove()
            self.model.train(was_training)
        for name, p in parts.items():
            if not p:
                raise RuntimeError(f"layer {name}: its module did not run in the model's forward pass")
        return {name: torch.cat(p).numpy() for name, p in parts.items()}

    def __call__(self, epoch, **metrics):
        if epoch in self.schedule:
            self.writer.write(epoch, self.activations())
        if metrics:
            self.writer.metrics(epoch, **{k: float(v) for k, v in metrics.items()})

    def close(self):
        self.writer.close()
