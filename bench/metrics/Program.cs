using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Trellis.Bench.Metrics.IstioRequestMetrics).Assembly).Run(args);
