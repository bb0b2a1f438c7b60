using System.CommandLine;
using Trellis.Proxy;

return await ProxyCommand.CreateRoot().Parse(args).InvokeAsync();
