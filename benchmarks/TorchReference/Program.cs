using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

// The TD3 update of rl-zoo's Pendulum-v1 preset (Fujimoto et al. 2018, "Addressing Function Approximation
// Error in Actor-Critic Methods"), written the way Stable-Baselines3 writes it in PyTorch: batch 256,
// observation 3, action 1, [400, 300] ReLU nets, twin critics under one Adam, the actor and all targets
// updated every second step, τ = 0.005, target noise 0.2 clipped at 0.5. Timed on libtorch's CPU kernels
// (what SB3 runs on), without Python's own overhead, so it is a lower bound for SB3's update time here.
int updates = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
int threads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
torch.set_num_threads(threads);
torch.manual_seed(0);

const int batch = 256, observationSize = 3, actionSize = 1, bufferSize = 10_000;
const double gamma = 0.98, tau = 0.005;

Sequential Actor() => nn.Sequential(
    nn.Linear(observationSize, 400), nn.ReLU(), nn.Linear(400, 300), nn.ReLU(), nn.Linear(300, actionSize), nn.Tanh());
Sequential Critic() => nn.Sequential(
    nn.Linear(observationSize + actionSize, 400), nn.ReLU(), nn.Linear(400, 300), nn.ReLU(), nn.Linear(300, 1));

Sequential actor = Actor(), actorTarget = Actor();
Sequential critic1 = Critic(), critic2 = Critic(), critic1Target = Critic(), critic2Target = Critic();
HardCopy(actor, actorTarget);
HardCopy(critic1, critic1Target);
HardCopy(critic2, critic2Target);
var actorOptimizer = optim.Adam(actor.parameters(), lr: 1e-3);
var criticOptimizer = optim.Adam(critic1.parameters().Concat(critic2.parameters()), lr: 1e-3);

// A filled replay buffer to sample minibatches from, as SB3 does before each gradient step.
Tensor observations = randn(bufferSize, observationSize), actions = rand(bufferSize, actionSize) * 2 - 1;
Tensor rewards = randn(bufferSize, 1), nextObservations = randn(bufferSize, observationSize), dones = zeros(bufferSize, 1);

void Update(int step)
{
    using DisposeScope scope = NewDisposeScope();
    Tensor index = randint(0, bufferSize, [batch], dtype: ScalarType.Int64);
    Tensor s = observations.index_select(0, index), a = actions.index_select(0, index), r = rewards.index_select(0, index);
    Tensor s2 = nextObservations.index_select(0, index), d = dones.index_select(0, index);
    Tensor y;
    using (no_grad())
    {
        Tensor noise = (randn_like(a) * 0.2).clamp(-0.5, 0.5);
        Tensor a2 = (actorTarget.forward(s2) + noise).clamp(-1, 1);
        Tensor sa2 = cat([s2, a2], 1);
        y = r + ((1 - d) * gamma * minimum(critic1Target.forward(sa2), critic2Target.forward(sa2)));
    }

    Tensor sa = cat([s, a], 1);
    Tensor criticLoss = nn.functional.mse_loss(critic1.forward(sa), y) + nn.functional.mse_loss(critic2.forward(sa), y);
    criticOptimizer.zero_grad();
    criticLoss.backward();
    criticOptimizer.step();

    if (step % 2 == 0)
    {
        Tensor actorLoss = -critic1.forward(cat([s, actor.forward(s)], 1)).mean();
        actorOptimizer.zero_grad();
        actorLoss.backward();
        actorOptimizer.step();
        Polyak(critic1, critic1Target);
        Polyak(critic2, critic2Target);
        Polyak(actor, actorTarget);
    }
}

for (int i = 0; i < 200; i++)
{
    Update(i);
}

var clock = Stopwatch.StartNew();
for (int i = 0; i < updates; i++)
{
    Update(i);
}

double perUpdate = clock.Elapsed.TotalMilliseconds / updates;
Console.WriteLine(FormattableString.Invariant(
    $"libtorch {torch.__version__}, {threads} thread(s): TD3 Pendulum-v1 update {perUpdate:F3} ms ({updates} updates after 200 warm-up), {perUpdate * 10:F1} s per 1e4 updates (the preset's count)"));

static void HardCopy(nn.Module source, nn.Module target)
{
    using (no_grad())
    {
        foreach ((Parameter p, Parameter t) in source.parameters().Zip(target.parameters()))
        {
            t.copy_(p);
        }
    }
}

static void Polyak(nn.Module source, nn.Module target)
{
    using (no_grad())
    {
        foreach ((Parameter p, Parameter t) in source.parameters().Zip(target.parameters()))
        {
            t.mul_(1 - tau).add_(p, alpha: tau);
        }
    }
}
