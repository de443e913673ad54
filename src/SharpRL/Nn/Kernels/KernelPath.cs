namespace SharpRL.Nn.Kernels;

/// <summary>
/// Which instruction width the kernels use. Ordered by width: a path also uses every narrower
/// width for the columns left over by the wider one.
/// </summary>
internal enum KernelPath
{
    /// <summary>The widest width this CPU accelerates.</summary>
    Auto = 0,

    /// <summary>No SIMD: register-blocked scalar code (also the path for element types other than float and double).</summary>
    Scalar = 1,

    /// <summary>128-bit vectors (SSE, AdvSimd).</summary>
    Vector128 = 2,

    /// <summary>256-bit vectors (AVX2 + FMA).</summary>
    Vector256 = 3,

    /// <summary>512-bit vectors (AVX-512).</summary>
    Vector512 = 4,
}
