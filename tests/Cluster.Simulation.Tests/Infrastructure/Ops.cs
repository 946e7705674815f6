namespace Cluster.Simulation.Tests.Infrastructure;

/// <summary>Short constructors for hand-written register and key-value histories.</summary>
internal static class Ops
{
    public static Operation<RegisterInput, RegisterOutput> Write(int client, long value, long call, long @return) =>
        Operation<RegisterInput, RegisterOutput>.Completed(client, RegisterInput.Write(value), RegisterOutput.Written, call, @return);

    public static Operation<RegisterInput, RegisterOutput> WriteUnknown(int client, long value, long call) =>
        Operation<RegisterInput, RegisterOutput>.Unknown(client, RegisterInput.Write(value), call);

    public static Operation<RegisterInput, RegisterOutput> Read(int client, long value, long call, long @return) =>
        Operation<RegisterInput, RegisterOutput>.Completed(client, RegisterInput.Read(), RegisterOutput.ReadValue(value), call, @return);

    public static Operation<RegisterInput, RegisterOutput> Cas(int client, long expected, long value, bool succeeded, long call, long @return) =>
        Operation<RegisterInput, RegisterOutput>.Completed(client, RegisterInput.CompareAndSet(expected, value), RegisterOutput.CompareAndSetResult(succeeded), call, @return);

    public static Operation<KeyValueInput, KeyValueOutput> Put(int client, string key, string value, long call, long @return) =>
        Operation<KeyValueInput, KeyValueOutput>.Completed(client, KeyValueInput.Put(key, value), KeyValueOutput.Done, call, @return);

    public static Operation<KeyValueInput, KeyValueOutput> Append(int client, string key, string value, long call, long @return) =>
        Operation<KeyValueInput, KeyValueOutput>.Completed(client, KeyValueInput.Append(key, value), KeyValueOutput.Done, call, @return);

    public static Operation<KeyValueInput, KeyValueOutput> Delete(int client, string key, long call, long @return) =>
        Operation<KeyValueInput, KeyValueOutput>.Completed(client, KeyValueInput.Delete(key), KeyValueOutput.Done, call, @return);

    public static Operation<KeyValueInput, KeyValueOutput> Get(int client, string key, string? value, long call, long @return) =>
        Operation<KeyValueInput, KeyValueOutput>.Completed(client, KeyValueInput.Get(key), KeyValueOutput.Found(value), call, @return);

    public static LinearizabilityResult<RegisterInput, RegisterOutput> CheckRegister(params Operation<RegisterInput, RegisterOutput>[] history) =>
        LinearizabilityChecker.Check(history, new RegisterModel());

    public static LinearizabilityResult<KeyValueInput, KeyValueOutput> CheckKeyValue(params Operation<KeyValueInput, KeyValueOutput>[] history) =>
        LinearizabilityChecker.Check(history, new KeyValueModel());
}
