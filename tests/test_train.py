"""utils.train: the loop chapter 08 builds, checked against a hand-written loop, with its
checkpoint, its progress-bar switch and its error messages."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from utils import train


def blobs(n=240, seed=0):
    """Three well separated classes in 2-D: any sensible loop learns them."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 3
    centres = torch.tensor([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    return centres[y] + 0.7 * torch.randn(n, 2, generator=generator), y


def make_run(seed=0, lr=0.2, reduction="mean", batch_size=32):
    torch.manual_seed(seed)
    X, y = blobs()
    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(
        TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator
    )
    val_loader = DataLoader(TensorDataset(*blobs(90, seed=1)), batch_size=64)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    return model, loader, val_loader, nn.CrossEntropyLoss(reduction=reduction), optimizer


def hand_written_epoch(model, loader, loss_fn, optimizer):
    """The loop of chapter 08, written out."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for X, y in loader:
        logits = model(X)
        losses = loss_fn(logits, y)
        optimizer.zero_grad()
        losses.mean().backward()
        optimizer.step()
        total_loss += losses.sum().item() if losses.ndim else losses.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return total_loss / seen, correct / seen


# --- the loop is chapter 08's loop --------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_train_epoch_matches_the_hand_written_loop(reduction):
    model_a, loader_a, _, loss_fn, optimizer_a = make_run(reduction=reduction)
    model_b, loader_b, _, _, optimizer_b = make_run(reduction=reduction)
    for _ in range(3):
        expected = hand_written_epoch(model_a, loader_a, loss_fn, optimizer_a)
        got = train.train_epoch(model_b, loader_b, loss_fn, optimizer_b)
        assert got == pytest.approx(expected, rel=1e-6)
    for a, b in zip(model_a.parameters(), model_b.parameters(), strict=True):
        assert torch.equal(a, b)


def test_evaluate_changes_nothing_and_matches_a_direct_computation():
    model, _, val_loader, loss_fn, _ = make_run()
    before = [p.clone() for p in model.parameters()]
    loss, acc = train.evaluate(model, val_loader, loss_fn)
    X, y = blobs(90, seed=1)
    with torch.no_grad():
        logits = model(X)
    assert loss == pytest.approx(loss_fn(logits, y).item(), rel=1e-6)
    assert acc == pytest.approx((logits.argmax(1) == y).float().mean().item())
    assert not model.training
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


def test_fit_learns_records_history_and_prints_one_line_per_epoch():
    model, loader, val_loader, loss_fn, optimizer = make_run()
    lines = []
    history = train.fit(
        model, loader, val_loader, loss_fn, optimizer, num_epochs=4, log=lines.append
    )
    assert len(lines) == 4 and lines[0].startswith("epoch 1/4 | train loss ")
    assert all(len(values) == 4 for values in history.curves().values())
    assert history.val_accuracy[-1] > 0.95 and history.train_loss[-1] < history.train_loss[0]
    assert f"accuracy {100 * history.val_accuracy[-1]:.1f}%" in lines[-1]


def test_fit_output_is_the_same_on_every_run():
    runs = []
    for _ in range(2):
        lines = []
        train.fit(*make_run(), num_epochs=3, log=lines.append)
        runs.append(lines)
    assert runs[0] == runs[1]


def test_best_state_is_a_copy_of_the_best_epoch(tmp_path):
    model, loader, val_loader, loss_fn, optimizer = make_run(lr=0.5)
    path = tmp_path / "best.pt"
    history = train.fit(
        model, loader, val_loader, loss_fn, optimizer, 6, checkpoint_path=path, log=None
    )
    best = history.val_loss.index(min(history.val_loss)) + 1
    assert history.best_epoch == best
    saved = torch.load(path, weights_only=True)
    assert saved.keys() == model.state_dict().keys()
    for key, value in history.best_state.items():
        assert torch.equal(saved[key], value)
        assert value.data_ptr() != model.state_dict()[key].data_ptr()  # not the live tensor
    snapshot = {key: value.clone() for key, value in history.best_state.items()}
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(1.0)  # training on: the kept copy must not follow
    assert all(torch.equal(snapshot[key], history.best_state[key]) for key in snapshot)
    model.load_state_dict(history.best_state)
    assert train.evaluate(model, val_loader, loss_fn)[0] == pytest.approx(min(history.val_loss))


def test_predict_returns_classes_and_labels_on_the_cpu():
    model, _, val_loader, loss_fn, _ = make_run()
    predicted, labels = train.predict(model, val_loader)
    assert predicted.shape == labels.shape == (90,) and predicted.device.type == "cpu"
    acc = train.evaluate(model, val_loader, loss_fn)[1]
    assert (predicted == labels).float().mean().item() == pytest.approx(acc)


def test_regression_has_no_accuracy():
    torch.manual_seed(0)
    X = torch.randn(64, 3)
    loader = DataLoader(TensorDataset(X, X.sum(dim=1, keepdim=True)), batch_size=16)
    model = nn.Linear(3, 1)
    lines = []
    history = train.fit(
        model, loader, loader, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), 3,
        log=lines.append,
    )  # fmt: skip
    assert all(math.isnan(value) for value in history.train_accuracy + history.val_accuracy)
    assert history.val_loss[-1] < history.val_loss[0] and "accuracy" not in lines[-1]


def test_accuracy():
    logits = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert train.accuracy(logits, torch.tensor([1, 0, 0, 0])) == 0.75


# --- data moves with the model ------------------------------------------------------------------


def test_batches_go_to_the_models_device():
    seen = []

    class Recorder(nn.Linear):
        def forward(self, x):
            seen.append(x.device)
            return super().forward(x)

    model = Recorder(2, 3).to("meta")
    assert train.model_device(model).type == "meta"
    with pytest.raises((NotImplementedError, RuntimeError, ValueError)):
        # the meta device cannot compute a loss; the point is where the batch went first
        train.evaluate(model, [(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))], nn.MSELoss())
    assert seen and seen[0].type == "meta"


# --- the progress bar ---------------------------------------------------------------------------


def test_the_test_run_hides_the_progress_bar():
    assert train.progress_enabled() is False  # nbtools.prepare_kernels, called by conftest.py


def test_the_progress_bar_is_shown_unless_switched_off(monkeypatch, capsys):
    monkeypatch.delenv(train.PROGRESS_ENV_VAR)
    assert train.progress_enabled() is True
    list(train.progress_bar(range(3), desc="shown"))
    assert "shown" in capsys.readouterr().err  # tqdm draws on stderr outside Jupyter
    monkeypatch.setenv(train.PROGRESS_ENV_VAR, "off")
    list(train.progress_bar(range(3), desc="hidden"))
    assert capsys.readouterr().err == ""


def test_fit_writes_nothing_but_the_epoch_lines_when_the_bar_is_off(capsys):
    train.fit(*make_run(), num_epochs=2)
    out, err = capsys.readouterr()
    assert err == "" and out.count("\n") == 2 and out.startswith("epoch 1/2 | ")


def test_the_progress_bar_does_not_start_an_extra_pass_over_the_loader():
    """tqdm(loader) would call iter(loader) in its constructor (tqdm.auto does), which draws
    from a seeded loader's generator and changes the shuffling order."""
    generator = torch.Generator().manual_seed(0)
    loader = DataLoader(torch.arange(20), batch_size=5, shuffle=True, generator=generator)
    plain = [batch.tolist() for batch in loader]
    generator.manual_seed(0)
    wrapped = [batch.tolist() for batch in train.progress_bar(loader, desc="x")]
    assert wrapped == plain


# --- clear errors for wrong input ----------------------------------------------------------------


def fit_with(**changes):
    model, loader, val_loader, loss_fn, optimizer = make_run()
    arguments = dict(
        model=model,
        train_loader=loader,
        val_loader=val_loader,
        loss_fn=loss_fn,
        optimizer=optimizer,
        num_epochs=1,
        log=None,
    )
    arguments.update(changes)
    if "lr" in arguments:
        lr = arguments.pop("lr")
        arguments["optimizer"] = torch.optim.SGD(arguments["model"].parameters(), lr=max(lr, 0))
        arguments["optimizer"].param_groups[0]["lr"] = lr  # as a scheduler or a typo could
    return train.fit(**arguments)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"num_epochs": 0}, ValueError, "num_epochs must be a positive integer, got 0"),
        ({"num_epochs": 2.5}, ValueError, "num_epochs must be a positive integer, got 2.5"),
        ({"num_epochs": True}, ValueError, "num_epochs must be a positive integer, got True"),
        ({"lr": -0.1}, ValueError, r"lr must be positive, got -0.1 \(optimizer.param_groups"),
        ({"lr": float("nan")}, ValueError, "lr must be positive, got nan"),
        ({"train_loader": []}, ValueError, "loader yields no batches: its dataset is empty"),
        ({"val_loader": []}, ValueError, "loader yields no batches"),
        ({"train_loader": 5}, TypeError, "loader must be a DataLoader .*got int"),
        ({"train_loader": [torch.zeros(4, 2)]}, TypeError, r"must yield \(X, y\) pairs"),
        ({"model": "net"}, TypeError, "model must be a torch.nn.Module, got str"),
        ({"model": nn.ReLU(), "optimizer": None}, ValueError, "model has no parameters to train"),
        ({"loss_fn": "ce"}, TypeError, "loss_fn must be callable"),
        ({"loss_fn": nn.CrossEntropyLoss(reduction="sum")}, ValueError, "reduction='sum'"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be a torch.optim optimizer"),
        ({"log": "yes"}, TypeError, "log must be a function such as print, or None"),
        ({"checkpoint_path": 3}, TypeError, "checkpoint_path must be a file path"),
    ],
)
def test_fit_rejects_bad_input_with_a_clear_message(changes, error, message):
    with pytest.raises(error, match=message):
        fit_with(**changes)


def test_an_optimizer_of_another_model_is_caught():
    other = nn.Linear(2, 3)
    with pytest.raises(ValueError, match="optimizer holds none of model's parameters"):
        fit_with(optimizer=torch.optim.SGD(other.parameters(), lr=0.1))


def test_a_model_that_does_not_fit_the_data_is_explained():
    wide = nn.Sequential(nn.Flatten(), nn.Linear(784, 3))
    with pytest.raises(ValueError, match=r"cannot take a batch X of shape \(32, 2\).*784"):
        fit_with(model=wide, lr=0.1)


def test_labels_beyond_the_models_outputs_are_explained():
    two_classes = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="label 2 but the model outputs 2 classes"):
        fit_with(model=two_classes, lr=0.1)


def test_a_model_returning_the_wrong_number_of_rows_is_explained():
    class Pooled(nn.Linear):
        def forward(self, x):
            return super().forward(x).mean(dim=0, keepdim=True)

    with pytest.raises(ValueError, match="model returned .* for a batch of 32 samples"):
        fit_with(model=Pooled(2, 3), lr=0.1)


def test_divergence_stops_the_training_with_advice():
    with pytest.raises(FloatingPointError, match="diverged. Try a smaller lr"):
        fit_with(lr=1e38, num_epochs=3)


def test_accuracy_rejects_bad_shapes_and_float_labels():
    with pytest.raises(ValueError, match=r"logits must have shape \(N, classes\)"):
        train.accuracy(torch.zeros(3), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="y must hold class indices"):
        train.accuracy(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(TypeError, match="logits and y must be tensors"):
        train.accuracy([[0.0, 1.0]], torch.zeros(1, dtype=torch.long))


def test_progress_setting_must_be_on_or_off(monkeypatch):
    monkeypatch.setenv(train.PROGRESS_ENV_VAR, "maybe")
    with pytest.raises(ValueError, match="COURSE_PROGRESS_BAR must be 'on' or 'off', got 'maybe'"):
        train.progress_enabled()
    with pytest.raises(TypeError, match="setting must be 'on' or 'off'"):
        train.progress_enabled(1)


def test_predict_on_an_empty_loader_is_explained():
    with pytest.raises(ValueError, match="loader yields no batches"):
        train.predict(nn.Linear(2, 3), [])


# --- garbage in: refused with the argument named (issue 12) ---------------------------------

NAN, INF = float("nan"), float("inf")
TWO_BATCHES_X, TWO_BATCHES_Y = torch.randn(8, 2), torch.tensor([0, 1] * 4)


def poisoned(value, at=(3, 1)):
    X = TWO_BATCHES_X.clone()
    X[at] = value
    return X


def test_accuracy_of_non_finite_logits_or_impossible_labels_is_refused():
    with pytest.raises(ValueError, match="logits holds 12 NaN or inf value"):
        train.accuracy(torch.full((4, 3), NAN), torch.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="y must hold class indices from 0 to 2 .* got 5"):
        train.accuracy(torch.randn(4, 3), torch.tensor([0, 1, 5, 0]))
    with pytest.raises(ValueError, match="y must hold class indices from 0 to 2 .* got -1"):
        train.accuracy(torch.randn(4, 3), torch.tensor([0, 1, -1, 0]))
    with pytest.raises(ValueError, match="y must hold class indices"):
        train.accuracy(torch.randn(2, 2), torch.tensor([True, False]))
    with pytest.raises(ValueError, match="logits must hold one real score per class"):
        train.accuracy(torch.randn(2, 0), torch.tensor([0, 0]))


@pytest.mark.parametrize("value", [NAN, INF, -INF])
def test_non_finite_inputs_name_the_batch(value):
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [(TWO_BATCHES_X, TWO_BATCHES_Y), (poisoned(value), TWO_BATCHES_Y)]
    loss_fn = nn.CrossEntropyLoss()
    message = "batch 2 of loader holds 1 NaN or inf value.* inputs X: the data is broken"
    with pytest.raises(ValueError, match=message):
        train.train_epoch(model, batches, loss_fn, optimizer)
    with pytest.raises(ValueError, match=message):
        train.evaluate(model, batches, loss_fn)
    with pytest.raises(ValueError, match=message):
        train.predict(model, batches)
    targets = [(TWO_BATCHES_X, torch.full((8, 2), value))]
    with pytest.raises(ValueError, match="batch 1 of loader holds 16 .* targets y"):
        train.train_epoch(model, targets, nn.MSELoss(), optimizer)


def test_fit_on_nan_data_blames_the_data_not_the_learning_rate():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    clean = [(TWO_BATCHES_X, TWO_BATCHES_Y)]
    dirty = [(poisoned(NAN), TWO_BATCHES_Y)]
    with pytest.raises(ValueError, match="batch 1 of train_loader holds 1 NaN") as info:
        train.fit(model, dirty, clean, nn.CrossEntropyLoss(), optimizer, 1, log=None)
    assert "lr" not in str(info.value)
    with pytest.raises(ValueError, match="batch 1 of val_loader holds 1 NaN"):
        train.fit(model, clean, dirty, nn.CrossEntropyLoss(), optimizer, 1, log=None)


def test_labels_out_of_range_in_a_later_batch_are_explained():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [(TWO_BATCHES_X, TWO_BATCHES_Y), (TWO_BATCHES_X, TWO_BATCHES_Y + 6)]
    for call in (
        lambda: train.train_epoch(model, batches, nn.CrossEntropyLoss(), optimizer),
        lambda: train.evaluate(model, batches, nn.CrossEntropyLoss()),
    ):
        with pytest.raises(ValueError, match="batch 2 of loader has label 7 but the model"):
            call()


def test_a_loss_function_that_does_not_fit_the_targets_is_explained():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [(TWO_BATCHES_X, TWO_BATCHES_Y)]
    with pytest.raises(ValueError, match=r"loss_fn cannot compare the model's output of shape"):
        train.train_epoch(model, batches, nn.MSELoss(), optimizer)
    with pytest.raises(TypeError, match="loss_fn must return a tensor"):
        train.train_epoch(model, batches, lambda logits, y: 1.0, optimizer)
    with pytest.raises(TypeError, match="desc must be a short text"):
        train.train_epoch(model, batches, nn.CrossEntropyLoss(), optimizer, desc=3)
    with pytest.raises(TypeError, match="iterable must be something to loop over"):
        list(train.progress_bar(5))


def test_evaluate_with_broken_weights_says_so():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.fill_(NAN)
    with pytest.raises(FloatingPointError, match="model's loss on loader is nan .* weights"):
        train.evaluate(model, [(TWO_BATCHES_X, TWO_BATCHES_Y)], nn.CrossEntropyLoss())


def test_an_exploded_epoch_is_never_kept_as_the_best():
    model, loader, _, loss_fn, optimizer = make_run(lr=0.01)
    val = [blobs(90, seed=1)]
    lines = []

    def sabotage(line):  # after epoch 1 is recorded, the validation data blows up
        lines.append(line)
        val[0] = (val[0][0] * 1e9, val[0][1])

    history = train.fit(model, loader, val, loss_fn, optimizer, 2, log=sabotage)
    assert history.val_loss[1] > 1000 * history.val_loss[0]
    assert history.best_epoch == 1 and "exploded: not kept as the best" in lines[1]


def test_when_every_epoch_exploded_fit_raises():
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    train_batches = [(TWO_BATCHES_X, TWO_BATCHES_Y)]
    val_batches = [(TWO_BATCHES_X * 1e9, TWO_BATCHES_Y)]
    with pytest.raises(FloatingPointError, match="validation loss exploded in every epoch"):
        train.fit(model, train_batches, val_batches, nn.CrossEntropyLoss(), optimizer, 2, log=None)


def test_a_bad_checkpoint_path_is_refused_before_any_training(tmp_path):
    model, loader, val_loader, loss_fn, optimizer = make_run()
    before = {key: value.clone() for key, value in model.state_dict().items()}
    with pytest.raises(FileNotFoundError, match="checkpoint_path .* folder that does not exist"):
        train.fit(
            model, loader, val_loader, loss_fn, optimizer, 1,
            checkpoint_path=tmp_path / "missing" / "best.pth", log=None,
        )  # fmt: skip
    with pytest.raises(IsADirectoryError, match="checkpoint_path must name a file, got the folder"):
        train.fit(
            model, loader, val_loader, loss_fn, optimizer, 1, checkpoint_path=tmp_path, log=None
        )
    assert all(torch.equal(before[key], value) for key, value in model.state_dict().items())


def test_batches_whose_x_and_y_disagree_are_explained():
    model = nn.Linear(2, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for y in (torch.tensor(1), torch.tensor([0, 1, 2])):
        with pytest.raises(ValueError, match="loader must yield .* one row of X per entry of y"):
            train.train_epoch(model, [(TWO_BATCHES_X, y)], nn.CrossEntropyLoss(), optimizer)


def test_batches_on_an_accelerator_are_checked_without_a_sync_and_reported_at_the_end(
    monkeypatch,
):
    monkeypatch.setattr(train, "_checked_at_once", lambda tensor: False)  # as on a GPU
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [(TWO_BATCHES_X, TWO_BATCHES_Y), (poisoned(NAN), TWO_BATCHES_Y)]
    for call in (
        lambda: train.train_epoch(model, batches, nn.CrossEntropyLoss(), optimizer),
        lambda: train.evaluate(model, batches, nn.CrossEntropyLoss()),
        lambda: train.predict(model, batches),
    ):
        with pytest.raises(ValueError, match="a batch of loader holds NaN or inf values in X"):
            call()
    clean = [(TWO_BATCHES_X, TWO_BATCHES_Y)]
    fresh = nn.Linear(2, 2)  # the first call trained on the NaN batch before it could tell
    assert math.isfinite(train.evaluate(fresh, clean, nn.CrossEntropyLoss())[0])
